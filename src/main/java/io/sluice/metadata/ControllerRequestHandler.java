package io.sluice.metadata;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** The controller side of {@link ControllerChannel}: answers controller-bound requests on the active controller. */
@FunctionalInterface
public interface ControllerRequestHandler {
    /**
     * Answers a request (the kafka-clients *RequestData message of {@code api}) with its *ResponseData
     * message; fails with a Kafka {@code ApiException} when the request cannot be answered as a whole.
     */
    CompletableFuture<ApiMessage> handle(ApiKeys api, ApiMessage request);
}
