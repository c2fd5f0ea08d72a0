package io.sluice.protocol.handler;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.QuorumVoter;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AddRaftVoterRequestData;
import org.apache.kafka.common.message.AddRaftVoterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * AddRaftVoter (KIP-853, kafka-metadata-quorum add-controller), on the controller listener: the quorum's
 * leader adds the controller once it fetches with that directory id and has caught up, and answers when
 * the new voter set is committed (also for v1's ack_when_committed=false, which only allows answering sooner).
 */
public final class AddRaftVoterHandler extends VersionedHandler<AddRaftVoterRequestData> {
    private final MetadataBackend backend;

    public AddRaftVoterHandler(MetadataBackend backend) {
        super(ApiKeys.ADD_RAFT_VOTER, 0, 1);
        this.backend = backend;
    }

    @Override
    public CompletableFuture<AddRaftVoterResponseData> handle(RequestContext context, AddRaftVoterRequestData request) {
        CompletableFuture<Void> refused = RaftVoterRequests.check(backend, request.clusterId(), request.voterDirectoryId());
        if (refused != null) {
            return refused.thenApply(v -> new AddRaftVoterResponseData());
        }
        List<BrokerEndpoint> endpoints = request.listeners().stream()
                .map(l -> new BrokerEndpoint(l.name(), l.host(), l.port(), "PLAINTEXT")).toList();
        if (endpoints.isEmpty()) {
            return RaftVoterRequests.<Void>invalid("The new voter names no listener").thenApply(v -> null);
        }
        QuorumVoter voter = new QuorumVoter(request.voterId(), request.voterDirectoryId().toString(), endpoints);
        return backend.addVoter(voter, RaftVoterRequests.timeoutMs(request.timeoutMs()))
                .thenApply(v -> new AddRaftVoterResponseData());
    }
}
