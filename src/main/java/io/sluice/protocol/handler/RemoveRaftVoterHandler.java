package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataBackend;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.RemoveRaftVoterRequestData;
import org.apache.kafka.common.message.RemoveRaftVoterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * RemoveRaftVoter (KIP-853, kafka-metadata-quorum remove-controller), on the controller listener: answered
 * once the smaller voter set is committed. The leader may remove itself; it resigns after that commit.
 */
public final class RemoveRaftVoterHandler extends VersionedHandler<RemoveRaftVoterRequestData> {
    /** The request carries no timeout of its own: Kafka's request.timeout.ms default. */
    private static final long TIMEOUT_MS = 30_000;

    private final MetadataBackend backend;

    public RemoveRaftVoterHandler(MetadataBackend backend) {
        super(ApiKeys.REMOVE_RAFT_VOTER, 0, 0);
        this.backend = backend;
    }

    @Override
    public CompletableFuture<RemoveRaftVoterResponseData> handle(RequestContext context,
            RemoveRaftVoterRequestData request) {
        CompletableFuture<Void> refused = RaftVoterRequests.check(backend, request.clusterId(), request.voterDirectoryId());
        if (refused != null) {
            return refused.thenApply(v -> new RemoveRaftVoterResponseData());
        }
        return backend.removeVoter(request.voterId(), request.voterDirectoryId().toString(), TIMEOUT_MS)
                .thenApply(v -> new RemoveRaftVoterResponseData());
    }
}
