package io.sluice.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Request rate, latency (histogram) and failures per API, after Kafka's RequestMetrics
 * (RequestsPerSec, TotalTimeMs, ErrorsPerSec). Latency runs from decoding to the response being ready.
 */
public final class RequestMetrics {
    private final Map<ApiKeys, Timer> latency = new EnumMap<>(ApiKeys.class);
    private final Map<ApiKeys, Counter> failures = new EnumMap<>(ApiKeys.class);

    public RequestMetrics(MeterRegistry registry, HandlerRegistry handlers) {
        for (ApiHandler<?> handler : handlers.handlers()) {
            String api = handler.apiKey().name;
            latency.put(handler.apiKey(), Timer.builder("sluice.requests").tag("api", api)
                    .publishPercentileHistogram().register(registry));
            failures.put(handler.apiKey(), Counter.builder("sluice.request.failures").tag("api", api)
                    .description("requests whose handler failed and got the API's error response").register(registry));
        }
    }

    void completed(ApiKeys api, long nanos) {
        latency.get(api).record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(ApiKeys api) {
        failures.get(api).increment();
    }
}
