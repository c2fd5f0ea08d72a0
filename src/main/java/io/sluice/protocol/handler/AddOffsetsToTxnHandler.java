package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * AddOffsetsToTxn (KIP-98): adds the group's {@code __consumer_offsets} partition to the transaction, so the
 * commit or abort marker reaches the offsets the producer then commits with TxnOffsetCommit.
 */
public final class AddOffsetsToTxnHandler extends VersionedHandler<AddOffsetsToTxnRequestData> {
    private static final int PRODUCER_FENCED_SINCE = 2;

    private final TransactionCoordinator transactions;
    private final GroupCoordinator groups;

    public AddOffsetsToTxnHandler(TransactionCoordinator transactions, GroupCoordinator groups) {
        super(ApiKeys.ADD_OFFSETS_TO_TXN, 0, 4);
        this.transactions = transactions;
        this.groups = groups;
    }

    @Override
    public CompletableFuture<AddOffsetsToTxnResponseData> handle(RequestContext context, AddOffsetsToTxnRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new AddOffsetsToTxnResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        TopicPartition offsets = new TopicPartition(GroupCoordinator.OFFSETS_TOPIC, groups.partitionFor(request.groupId()));
        String id = request.transactionalId();
        return transactions.forTransactionalId(id, shard -> CompletableFuture.completedFuture(shard.addPartitions(id,
                        request.producerId(), request.producerEpoch(), List.of(offsets))))
                .exceptionally(GroupErrors::of)
                .thenApply(error -> new AddOffsetsToTxnResponseData().setErrorCode(
                        TxnErrors.forVersion(error, context.apiVersion(), PRODUCER_FENCED_SINCE).code()));
    }
}
