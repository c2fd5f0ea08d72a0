package io.sluice.server.config;

import java.util.Map;

/** Topic-level configs (Kafka's names), their broker-level defaults and validation. SKELETON. */
public final class TopicConfigs {
    private TopicConfigs() {}

    /** Throws InvalidConfigurationException (kafka-clients) naming the bad key for unknown keys or invalid values. */
    public static void validate(Map<String, String> overrides) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Every topic config's effective value: the override if present, else the broker's default for it. */
    public static Map<String, Object> effective(Map<String, String> overrides, BrokerConfig broker) {
        throw new UnsupportedOperationException("not yet");
    }
}
