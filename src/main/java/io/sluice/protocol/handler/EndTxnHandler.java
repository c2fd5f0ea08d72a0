package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** EndTxn v0-v4 (v5 belongs to KIP-890's transaction version 2): commits or aborts the producer's transaction. */
public final class EndTxnHandler extends VersionedHandler<EndTxnRequestData> {
    private static final int PRODUCER_FENCED_SINCE = 2;

    private final TransactionCoordinator transactions;

    public EndTxnHandler(TransactionCoordinator transactions) {
        super(ApiKeys.END_TXN, 0, 4);
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<EndTxnResponseData> handle(RequestContext context, EndTxnRequestData request) {
        String id = request.transactionalId();
        return transactions.forTransactionalId(id, shard -> shard.endTransaction(id, request.producerId(),
                        request.producerEpoch(), request.committed()))
                .exceptionally(GroupErrors::of)
                .thenApply(error -> new EndTxnResponseData().setErrorCode(
                        TxnErrors.forVersion(error, context.apiVersion(), PRODUCER_FENCED_SINCE).code()));
    }
}
