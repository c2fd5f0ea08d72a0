package io.sluice.protocol.handler;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** AlterConfigs (legacy): replaces a resource's whole set of overrides. */
public final class AlterConfigsHandler extends ControllerForwardingHandler<AlterConfigsRequestData> {
    private final Controller controller;

    public AlterConfigsHandler(Controller controller) {
        super(ApiKeys.ALTER_CONFIGS, 0, 2);
        this.controller = controller;
    }

    @Override
    CompletableFuture<? extends ApiMessage> forward(AlterConfigsRequestData request) {
        return controller.alterConfigs(request);
    }
}
