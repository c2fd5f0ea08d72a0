package io.sluice.protocol.handler;

import io.sluice.controller.Controller;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * ElectLeaders (KIP-183, KIP-460): preferred or unclean leader elections, decided and written by the
 * controller; what {@code kafka-leader-election.sh} sends. Version 0 has no election type: preferred.
 */
public final class ElectLeadersHandler extends ControllerForwardingHandler<ElectLeadersRequestData> {
    private final Controller controller;

    public ElectLeadersHandler(Controller controller) {
        super(ApiKeys.ELECT_LEADERS, 0, 2);
        this.controller = controller;
    }

    @Override
    CompletableFuture<? extends ApiMessage> forward(ElectLeadersRequestData request) {
        return controller.electLeaders(request);
    }
}
