package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.ProducerIdManager;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * InitProducerId for idempotent producers: a fresh producer id at epoch 0 each time (which also
 * serves KIP-360's epoch bump after an unknown sequence). Transactional ids need the transaction
 * coordinator, which is not running yet: they are told so rather than handed a wrong id.
 */
public final class InitProducerIdHandler extends VersionedHandler<InitProducerIdRequestData> {
    private final ProducerIdManager producerIds;

    public InitProducerIdHandler(ProducerIdManager producerIds) {
        super(ApiKeys.INIT_PRODUCER_ID, 0, 5);
        this.producerIds = producerIds;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(RequestContext context, InitProducerIdRequestData request) {
        if (request.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setProducerId(-1).setProducerEpoch((short) -1));
        }
        return producerIds.nextProducerId().thenApply(id -> new InitProducerIdResponseData()
                .setProducerId(id).setProducerEpoch((short) 0));
    }
}
