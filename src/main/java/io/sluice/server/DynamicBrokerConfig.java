package io.sluice.server;

import io.sluice.metadata.MetadataImage;
import io.sluice.server.config.BrokerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The broker configuration in force: the static properties with the dynamic overrides from the
 * metadata (cluster-wide defaults, then this broker's own) on top, as Kafka applies
 * {@code kafka-configs --entity-type brokers} changes without a restart. Rebuilt only when the
 * overrides change.
 */
final class DynamicBrokerConfig {
    private final BrokerConfig staticConfig;
    private final Supplier<MetadataImage> image;
    private Map<String, String> lastOverrides = Map.of();
    private BrokerConfig current;

    DynamicBrokerConfig(BrokerConfig staticConfig, Supplier<MetadataImage> image) {
        this.staticConfig = staticConfig;
        this.image = image;
        this.current = staticConfig;
    }

    synchronized BrokerConfig current() {
        Map<String, String> overrides = image.get().brokerConfigs(staticConfig.nodeId());
        if (!overrides.equals(lastOverrides)) {
            Map<String, String> merged = new HashMap<>(staticConfig.originals());
            merged.putAll(overrides);
            current = overrides.isEmpty() ? staticConfig : BrokerConfig.fromProperties(merged);
            lastOverrides = overrides;
        }
        return current;
    }
}
