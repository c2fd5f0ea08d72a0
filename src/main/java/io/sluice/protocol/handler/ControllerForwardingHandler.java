package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Base of the APIs the active controller answers as a whole (topic and config changes): the broker
 * only hands the request to the active controller, in-process or on another node (KIP-590
 * forwarding); validation and the metadata write happen there.
 */
abstract class ControllerForwardingHandler<Q extends ApiMessage> extends VersionedHandler<Q> {
    private final ControllerChannel controller;

    ControllerForwardingHandler(ApiKeys apiKey, int minVersion, int maxVersion, ControllerChannel controller) {
        super(apiKey, minVersion, maxVersion);
        this.controller = controller;
    }

    @Override
    public final CompletableFuture<? extends ApiMessage> handle(RequestContext context, Q request) {
        return controller.send(apiKey(), request);
    }
}
