package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * TxnOffsetCommit v0-v4 (KIP-98, KIP-447 adds the group generation and member): offsets committed as part of a
 * producer's transaction, visible to OffsetFetch once the transaction commits.
 */
public final class TxnOffsetCommitHandler extends VersionedHandler<TxnOffsetCommitRequestData> {
    private static final int PRODUCER_FENCED_SINCE = 3;

    private final GroupCoordinator groups;

    public TxnOffsetCommitHandler(GroupCoordinator groups) {
        super(ApiKeys.TXN_OFFSET_COMMIT, 0, 4);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<TxnOffsetCommitResponseData> handle(RequestContext context, TxnOffsetCommitRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(allFailed(request, Errors.INVALID_GROUP_ID));
        }
        return groups.forGroup(request.groupId(),
                        shard -> CompletableFuture.completedFuture(shard.commitTransactionalOffsets(request)))
                .exceptionally(e -> allFailed(request, GroupErrors.of(e)))
                .thenApply(response -> {
                    response.topics().forEach(t -> t.partitions().forEach(p -> p.setErrorCode(TxnErrors.forVersion(
                            Errors.forCode(p.errorCode()), context.apiVersion(), PRODUCER_FENCED_SINCE).code())));
                    return response;
                });
    }

    private static TxnOffsetCommitResponseData allFailed(TxnOffsetCommitRequestData request, Errors error) {
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        request.topics().forEach(t -> {
            TxnOffsetCommitResponseTopic out = new TxnOffsetCommitResponseTopic().setName(t.name());
            t.partitions().forEach(p -> out.partitions().add(new TxnOffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
            response.topics().add(out);
        });
        return response;
    }
}
