package io.sluice.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-topic traffic, named after Kafka's BrokerTopicMetrics (BytesInPerSec, BytesOutPerSec,
 * MessagesInPerSec): Prometheus rates come from these counters.
 */
public final class TopicMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> bytesIn = new ConcurrentHashMap<>();
    private final Map<String, Counter> bytesOut = new ConcurrentHashMap<>();
    private final Map<String, Counter> messagesIn = new ConcurrentHashMap<>();

    public TopicMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void appended(String topic, long bytes, long messages) {
        counter(bytesIn, "sluice.topic.bytes.in", topic).increment(bytes);
        counter(messagesIn, "sluice.topic.messages.in", topic).increment(messages);
    }

    void fetched(String topic, long bytes) {
        if (bytes > 0) {
            counter(bytesOut, "sluice.topic.bytes.out", topic).increment(bytes);
        }
    }

    /** Drops a deleted topic's series so they do not linger in every scrape. */
    void forget(String topic) {
        for (Map<String, Counter> counters : java.util.List.of(bytesIn, bytesOut, messagesIn)) {
            Counter c = counters.remove(topic);
            if (c != null) {
                registry.remove(c);
            }
        }
    }

    private Counter counter(Map<String, Counter> cache, String name, String topic) {
        return cache.computeIfAbsent(topic, t -> Counter.builder(name).tag("topic", t).register(registry));
    }
}
