package io.sluice.server.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Builds DescribeConfigs entries the way Kafka reports them: each entry's value and source come
 * from the highest-precedence place that sets it, and its synonyms list every such place, most
 * authoritative first (the first synonym is the one in effect).
 */
public final class ConfigDescriber {
    // Source ids are already in precedence order: topic override 1, dynamic broker 2, dynamic default 3,
    // static 4, default 5. A stable sort keeps ms before minutes before hours within one source.
    private static final Comparator<DescribeConfigsSynonym> BY_PRECEDENCE = Comparator.comparingInt(DescribeConfigsSynonym::source);

    private ConfigDescriber() {}

    public static List<DescribeConfigsResourceResult> describeTopic(
            Map<String, String> topicOverrides, BrokerConfig broker, Collection<String> keysOrNullForAll,
            boolean includeSynonyms, boolean includeDocumentation) {
        ConfigDef def = TopicConfigDef.configDef();
        Map<String, Object> effective = TopicConfigs.effective(topicOverrides, broker);
        List<DescribeConfigsResourceResult> results = new ArrayList<>();
        for (String key : selectedKeys(def, keysOrNullForAll)) {
            ConfigDef.ConfigKey configKey = def.configKeys().get(key);
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            if (topicOverrides.containsKey(key)) {
                synonyms.add(synonym(key, topicOverrides.get(key), ConfigSource.TOPIC_CONFIG));
            }
            for (ConfigSynonyms.Synonym s : ConfigSynonyms.forTopicKey(key)) {
                addBrokerSources(synonyms, s.brokerKey(), broker, Map.of(), Map.of());
            }
            synonyms.sort(BY_PRECEDENCE);
            String value = ConfigDef.convertToString(effective.get(key), configKey.type);
            results.add(entry(configKey, value, false, false, synonyms, includeSynonyms, includeDocumentation));
        }
        return results;
    }

    public static List<DescribeConfigsResourceResult> describeBroker(
            BrokerConfig broker, Map<String, String> dynamicBrokerConfigs, Map<String, String> dynamicDefaultBrokerConfigs,
            Collection<String> keysOrNullForAll, boolean includeSynonyms, boolean includeDocumentation) {
        ConfigDef def = BrokerConfigDef.configDef();
        List<DescribeConfigsResourceResult> results = new ArrayList<>();
        for (String key : selectedKeys(def, keysOrNullForAll)) {
            ConfigDef.ConfigKey configKey = def.configKeys().get(key);
            boolean sensitive = configKey.type == ConfigDef.Type.PASSWORD;
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            for (ConfigSynonyms.Synonym s : ConfigSynonyms.forBrokerKey(key)) {
                addBrokerSources(synonyms, s.brokerKey(), broker, dynamicBrokerConfigs, dynamicDefaultBrokerConfigs);
            }
            synonyms.sort(BY_PRECEDENCE);
            // The entry's own value comes from its own key; synonyms only decide the reported source.
            String value = synonyms.stream().filter(s -> s.name().equals(key)).findFirst()
                    .map(DescribeConfigsSynonym::value).orElse(null);
            if (sensitive) {
                value = null;
                synonyms.forEach(s -> s.setValue(null));
            }
            boolean readOnly = !DynamicBrokerConfigs.UPDATABLE.contains(key);
            results.add(entry(configKey, value, sensitive, readOnly, synonyms, includeSynonyms, includeDocumentation));
        }
        return results;
    }

    /**
     * Checks an IncrementalAlterConfigs change to broker configs (per-broker or cluster default).
     * Null values are deletions and always allowed. Throws InvalidConfigurationException.
     */
    public static void validateBrokerDynamic(Map<String, String> changes) {
        TreeSet<String> notDynamic = new TreeSet<>(changes.keySet());
        notDynamic.removeAll(DynamicBrokerConfigs.UPDATABLE);
        if (!notDynamic.isEmpty()) {
            throw new InvalidConfigurationException("Cannot update these configs dynamically: " + notDynamic);
        }
        Map<String, String> values = new HashMap<>(changes);
        values.values().removeIf(v -> v == null);
        try {
            BrokerConfigDef.configDef().parse(values);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** Adds every place a broker key gets a value from, with the value as set there. */
    private static void addBrokerSources(List<DescribeConfigsSynonym> out, String brokerKey, BrokerConfig broker,
                                         Map<String, String> dynamic, Map<String, String> dynamicDefault) {
        if (dynamic.containsKey(brokerKey)) {
            out.add(synonym(brokerKey, dynamic.get(brokerKey), ConfigSource.DYNAMIC_BROKER_CONFIG));
        }
        if (dynamicDefault.containsKey(brokerKey)) {
            out.add(synonym(brokerKey, dynamicDefault.get(brokerKey), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        }
        if (broker.isSet(brokerKey)) {
            out.add(synonym(brokerKey, broker.originals().get(brokerKey), ConfigSource.STATIC_BROKER_CONFIG));
        }
        ConfigDef.ConfigKey key = BrokerConfigDef.configDef().configKeys().get(brokerKey);
        if (key.defaultValue != null) {
            out.add(synonym(brokerKey, ConfigDef.convertToString(key.defaultValue, key.type), ConfigSource.DEFAULT_CONFIG));
        }
    }

    private static DescribeConfigsResourceResult entry(
            ConfigDef.ConfigKey key, String value, boolean sensitive, boolean readOnly,
            List<DescribeConfigsSynonym> synonyms, boolean includeSynonyms, boolean includeDocumentation) {
        ConfigSource source = synonyms.isEmpty() ? ConfigSource.DEFAULT_CONFIG : ConfigSource.forId(synonyms.get(0).source());
        return new DescribeConfigsResourceResult()
                .setName(key.name)
                .setValue(value)
                .setReadOnly(readOnly)
                .setConfigSource(source.id())
                .setIsSensitive(sensitive)
                .setSynonyms(includeSynonyms ? synonyms : new ArrayList<>())
                .setConfigType(ConfigType.valueOf(key.type.name()).id())
                .setDocumentation(includeDocumentation ? key.documentation : null);
    }

    private static List<String> selectedKeys(ConfigDef def, Collection<String> keysOrNullForAll) {
        if (keysOrNullForAll == null) {
            return new ArrayList<>(def.names());
        }
        // Kafka answers only for names it knows; unknown requested names are silently absent.
        return keysOrNullForAll.stream().filter(def.configKeys()::containsKey).distinct().toList();
    }

    private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }
}
