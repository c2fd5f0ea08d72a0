package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId. Without a transactional id: a fresh producer id at epoch 0 each time (which also serves KIP-360's
 * epoch bump after an unknown sequence). With one: the transaction coordinator's producer id for it, at a bumped
 * epoch that fences older instances (KIP-98).
 */
public final class InitProducerIdHandler extends VersionedHandler<InitProducerIdRequestData> {
    private static final int PRODUCER_FENCED_SINCE = 4;

    private final TransactionCoordinator transactions;

    public InitProducerIdHandler(TransactionCoordinator transactions) {
        super(ApiKeys.INIT_PRODUCER_ID, 0, 5);
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(RequestContext context, InitProducerIdRequestData request) {
        if (request.transactionalId() == null) {
            return transactions.nextProducerId().thenApply(id -> new InitProducerIdResponseData()
                    .setProducerId(id).setProducerEpoch((short) 0));
        }
        if (request.transactionalId().isEmpty()) {
            return CompletableFuture.completedFuture(failed(Errors.INVALID_REQUEST));
        }
        return transactions.initProducerId(request.transactionalId(), request.transactionTimeoutMs(),
                        request.producerId(), request.producerEpoch())
                .thenApply(r -> r.error() == Errors.NONE
                        ? new InitProducerIdResponseData().setProducerId(r.producerId()).setProducerEpoch(r.producerEpoch())
                        : failed(TxnErrors.forVersion(r.error(), context.apiVersion(), PRODUCER_FENCED_SINCE)))
                .exceptionally(e -> failed(GroupErrors.of(e)));
    }

    private static InitProducerIdResponseData failed(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code()).setProducerId(-1).setProducerEpoch((short) -1);
    }
}
