package io.sluice.protocol.handler;

import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Base of the APIs the active controller answers as a whole (topic and config changes): the broker
 * only hands the request over; validation and the metadata write happen in the controller.
 */
abstract class ControllerForwardingHandler<Q extends ApiMessage> extends VersionedHandler<Q> {
    ControllerForwardingHandler(ApiKeys apiKey, int minVersion, int maxVersion) {
        super(apiKey, minVersion, maxVersion);
    }

    @Override
    public final CompletableFuture<? extends ApiMessage> handle(RequestContext context, Q request) {
        return forward(request);
    }

    abstract CompletableFuture<? extends ApiMessage> forward(Q request);
}
