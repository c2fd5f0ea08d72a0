package io.sluice.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. Each handler declares the versions it truly implements; ApiVersions is
 * built from these declarations, so the broker never advertises what it cannot do.
 *
 * @param <Q> the generated request data class of the API (e.g. {@code MetadataRequestData})
 */
public interface ApiHandler<Q extends ApiMessage> {
    ApiKeys apiKey();

    short minVersion();

    short maxVersion();

    /**
     * Runs on a request-handler thread (never an event loop), so it may read files; anything that
     * waits on other parts (the controller, a long poll) completes the future later instead of blocking.
     * Completing with {@code null} sends no response (produce with acks=0).
     */
    CompletableFuture<? extends ApiMessage> handle(RequestContext context, Q request);
}
