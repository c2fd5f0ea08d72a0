package io.sluice.controller;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.ApiError;

/** Small helpers every operation shares for filling in per-entry results. */
final class Requests {
    private Requests() {}

    static <T> Set<T> duplicates(List<T> items) {
        Set<T> seen = new HashSet<>();
        Set<T> duplicates = new HashSet<>();
        for (T item : items) {
            if (!seen.add(item)) {
                duplicates.add(item);
            }
        }
        return duplicates;
    }

    static void fail(Consumer<Short> setErrorCode, Consumer<String> setErrorMessage, ApiError error) {
        setErrorCode.accept(error.error().code());
        setErrorMessage.accept(error.message());
    }

    /**
     * Runs a config validator; Kafka's ConfigDef reports bad values as ConfigException, which is
     * not an ApiException, so it is answered as the INVALID_CONFIG it means.
     */
    static void validateConfigs(Map<String, String> configs, Consumer<Map<String, String>> validator) {
        try {
            validator.accept(Map.copyOf(configs));
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
    }
}
