package io.sluice.protocol.handler;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** DeleteTopics, by name or (v6+) by topic id. */
public final class DeleteTopicsHandler extends ControllerForwardingHandler<DeleteTopicsRequestData> {
    private final Controller controller;

    public DeleteTopicsHandler(Controller controller) {
        super(ApiKeys.DELETE_TOPICS, 1, 6);
        this.controller = controller;
    }

    @Override
    CompletableFuture<? extends ApiMessage> forward(DeleteTopicsRequestData request) {
        return controller.deleteTopics(request);
    }
}
