package io.sluice.protocol.handler;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** CreatePartitions: grows a topic; shrinking is INVALID_PARTITIONS. */
public final class CreatePartitionsHandler extends ControllerForwardingHandler<CreatePartitionsRequestData> {
    private final Controller controller;

    public CreatePartitionsHandler(Controller controller) {
        super(ApiKeys.CREATE_PARTITIONS, 0, 3);
        this.controller = controller;
    }

    @Override
    CompletableFuture<? extends ApiMessage> forward(CreatePartitionsRequestData request) {
        return controller.createPartitions(request);
    }
}
