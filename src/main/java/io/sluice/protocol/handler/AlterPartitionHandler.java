package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * AlterPartition (KIP-497) as a zk-mode controller broker receives it: partition leaders on other
 * brokers send their ISR changes here over the Kafka protocol, as Kafka 3.x brokers do. Answered by
 * this node's controller only (NOT_CONTROLLER in the response when it is not the active one, and the
 * leader retries); never passed on, so two brokers with stale views cannot bounce it between them.
 */
public final class AlterPartitionHandler extends VersionedHandler<AlterPartitionRequestData> {
    private final ControllerChannel controller;

    public AlterPartitionHandler(ControllerChannel controller) {
        super(ApiKeys.ALTER_PARTITION, 2, 3);
        this.controller = controller;
    }

    @Override
    public CompletableFuture<? extends ApiMessage> handle(RequestContext context, AlterPartitionRequestData request) {
        return controller.answerHere(ApiKeys.ALTER_PARTITION, request);
    }
}
