package io.sluice.controller;

import java.util.Map;
import java.util.Set;

/**
 * Validates a topic's full set of config overrides; the config package provides the real one.
 * Throws {@link org.apache.kafka.common.errors.InvalidConfigurationException} (or any
 * {@link org.apache.kafka.common.errors.ApiException}) naming the bad key.
 */
@FunctionalInterface
public interface TopicConfigValidator {
    void validate(Map<String, String> configs);

    /**
     * Whether the config is a list, the only kind IncrementalAlterConfigs may APPEND to or
     * SUBTRACT from. Defaults to the list-typed topic configs of Kafka.
     */
    default boolean isList(String key) {
        return Set.of("cleanup.policy", "leader.replication.throttled.replicas",
                "follower.replication.throttled.replicas").contains(key);
    }
}
