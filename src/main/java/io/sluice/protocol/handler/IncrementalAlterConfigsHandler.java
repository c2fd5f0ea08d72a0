package io.sluice.protocol.handler;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** IncrementalAlterConfigs for topics and brokers (SET, DELETE, APPEND, SUBTRACT). */
public final class IncrementalAlterConfigsHandler extends ControllerForwardingHandler<IncrementalAlterConfigsRequestData> {
    private final Controller controller;

    public IncrementalAlterConfigsHandler(Controller controller) {
        super(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1);
        this.controller = controller;
    }

    @Override
    CompletableFuture<? extends ApiMessage> forward(IncrementalAlterConfigsRequestData request) {
        return controller.incrementalAlterConfigs(request);
    }
}
