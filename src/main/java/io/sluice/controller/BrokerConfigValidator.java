package io.sluice.controller;

import java.util.Map;

/**
 * Validates a broker resource's full set of dynamic config overrides (cluster-wide default or one
 * broker's); throws {@link org.apache.kafka.common.errors.InvalidConfigurationException} (or any
 * {@link org.apache.kafka.common.errors.ApiException}) naming the bad key.
 */
@FunctionalInterface
public interface BrokerConfigValidator {
    void validate(Map<String, String> configs);

    /** Whether the config is a list (may be APPENDed to or SUBTRACTed from); none by default. */
    default boolean isList(String key) {
        return false;
    }
}
