package io.sluice.protocol.handler;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** CreateTopics: validated and written by the controller; validateOnly creates nothing. */
public final class CreateTopicsHandler extends ControllerForwardingHandler<CreateTopicsRequestData> {
    private final Controller controller;

    public CreateTopicsHandler(Controller controller) {
        super(ApiKeys.CREATE_TOPICS, 2, 7);
        this.controller = controller;
    }

    @Override
    CompletableFuture<? extends ApiMessage> forward(CreateTopicsRequestData request) {
        return controller.createTopics(request);
    }
}
