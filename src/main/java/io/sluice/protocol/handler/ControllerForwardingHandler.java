package io.sluice.protocol.handler;

import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Base of the APIs the active controller answers as a whole (topic and config changes): the broker
 * only hands the request over; validation and the metadata write happen in the controller.
 */
abstract class ControllerForwardingHandler<Q extends ApiMessage> implements ApiHandler<Q> {
    private final ApiKeys apiKey;
    private final short minVersion;
    private final short maxVersion;

    ControllerForwardingHandler(ApiKeys apiKey, int minVersion, int maxVersion) {
        this.apiKey = apiKey;
        this.minVersion = (short) minVersion;
        this.maxVersion = (short) maxVersion;
    }

    @Override
    public final ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public final short minVersion() {
        return minVersion;
    }

    @Override
    public final short maxVersion() {
        return maxVersion;
    }

    @Override
    public final CompletableFuture<? extends ApiMessage> handle(RequestContext context, Q request) {
        return forward(request);
    }

    abstract CompletableFuture<? extends ApiMessage> forward(Q request);
}
