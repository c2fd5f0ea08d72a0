package io.sluice.server.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/** Topic-level configs (Kafka's names), their broker-level defaults and validation. */
public final class TopicConfigs {
    private TopicConfigs() {}

    /** Throws InvalidConfigurationException (kafka-clients) naming the bad key for unknown keys or invalid values. */
    public static void validate(Map<String, String> overrides) {
        parse(overrides);
    }

    /** Every topic config's effective value: the override if present, else the broker's default for it. */
    public static Map<String, Object> effective(Map<String, String> overrides, BrokerConfig broker) {
        Map<String, Object> parsed = parse(overrides);
        Map<String, Object> result = new LinkedHashMap<>();
        for (String key : TopicConfigDef.configDef().names()) {
            result.put(key, overrides.containsKey(key) ? parsed.get(key) : brokerDefault(key, broker, parsed.get(key)));
        }
        return Collections.unmodifiableMap(result);
    }

    /** The value a topic without an override gets: from its broker synonyms, else Kafka's topic default. */
    static Object brokerDefault(String topicKey, BrokerConfig broker, Object topicDefault) {
        if (topicKey.equals(TopicConfig.RETENTION_MS_CONFIG)) {
            return broker.retentionMs(); // normalises negative broker retention to -1
        }
        Object fromBroker = ConfigSynonyms.resolve(broker, ConfigSynonyms.forTopicKey(topicKey));
        return fromBroker != null ? fromBroker : topicDefault;
    }

    private static Map<String, Object> parse(Map<String, String> overrides) {
        ConfigDef def = TopicConfigDef.configDef();
        for (String key : overrides.keySet()) {
            if (!def.configKeys().containsKey(key)) {
                throw new InvalidConfigurationException("Unknown topic config name: " + key);
            }
        }
        Map<String, Object> parsed;
        try {
            parsed = def.parse(overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        long minLag = (Long) parsed.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
        long maxLag = (Long) parsed.get(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG);
        if (minLag > maxLag) {
            throw new InvalidConfigurationException("conflict topic config setting "
                    + TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG + " (" + minLag + ") > "
                    + TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG + " (" + maxLag + ")");
        }
        return parsed;
    }
}
