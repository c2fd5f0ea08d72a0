package io.sluice.server.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.junit.jupiter.api.Test;

class ConfigDescriberTest {
    private static final byte TOPIC = 1, DYNAMIC_BROKER = 2, DYNAMIC_DEFAULT = 3, STATIC = 4, DEFAULT = 5;
    private static final byte BOOLEAN = 1, STRING = 2, INT = 3, SHORT = 4, LONG = 5, DOUBLE = 6, LIST = 7, PASSWORD = 9;

    private static BrokerConfig broker(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("zookeeper.connect", "localhost:2181", "broker.id", "0"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return BrokerConfig.fromProperties(m);
    }

    private static DescribeConfigsResourceResult topicEntry(Map<String, String> overrides, BrokerConfig b, String key) {
        List<DescribeConfigsResourceResult> r = ConfigDescriber.describeTopic(overrides, b, List.of(key), true, true);
        assertEquals(1, r.size());
        return r.get(0);
    }

    private static String syn(DescribeConfigsSynonym s) {
        return s.source() + ":" + s.name() + "=" + s.value();
    }

    private static List<String> synonyms(DescribeConfigsResourceResult r) {
        return r.synonyms().stream().map(ConfigDescriberTest::syn).toList();
    }

    @Test
    void topicDefaultComesFromTheBrokerDefault() {
        DescribeConfigsResourceResult r = topicEntry(Map.of(), broker(), "retention.ms");
        assertEquals("604800000", r.value());
        assertEquals(DEFAULT, r.configSource());
        assertEquals(LONG, r.configType());
        assertFalse(r.readOnly());
        assertFalse(r.isSensitive());
        assertEquals(List.of("5:log.retention.hours=168"), synonyms(r));
        assertTrue(r.documentation().contains("retain"));
    }

    @Test
    void staticBrokerSettingIsReportedAsStatic() {
        DescribeConfigsResourceResult r = topicEntry(Map.of(), broker("log.retention.minutes", "60"), "retention.ms");
        assertEquals("3600000", r.value());
        assertEquals(STATIC, r.configSource());
        assertEquals(List.of("4:log.retention.minutes=60", "5:log.retention.hours=168"), synonyms(r));
    }

    @Test
    void overrideComesFirst() {
        DescribeConfigsResourceResult r = topicEntry(Map.of("retention.ms", "1000"), broker("log.retention.hours", "24"), "retention.ms");
        assertEquals("1000", r.value());
        assertEquals(TOPIC, r.configSource());
        assertEquals(List.of("1:retention.ms=1000", "4:log.retention.hours=24", "5:log.retention.hours=168"), synonyms(r));
    }

    @Test
    void topicConfigWithoutBrokerSynonymIsDefault() {
        DescribeConfigsResourceResult r = topicEntry(Map.of(), broker(), "remote.storage.enable");
        assertEquals("false", r.value());
        assertEquals(DEFAULT, r.configSource());
        assertEquals(BOOLEAN, r.configType());
        assertTrue(r.synonyms().isEmpty());
    }

    @Test
    void typesAndOptionalParts() {
        BrokerConfig b = broker();
        assertEquals(LIST, topicEntry(Map.of(), b, "cleanup.policy").configType());
        assertEquals(STRING, topicEntry(Map.of(), b, "compression.type").configType());
        assertEquals(INT, topicEntry(Map.of(), b, "max.message.bytes").configType());
        assertEquals(DOUBLE, topicEntry(Map.of(), b, "min.cleanable.dirty.ratio").configType());
        assertEquals("0.5", topicEntry(Map.of(), b, "min.cleanable.dirty.ratio").value());

        List<DescribeConfigsResourceResult> all = ConfigDescriber.describeTopic(Map.of(), b, null, false, false);
        assertEquals(TopicConfigDef.configDef().names().size(), all.size());
        assertTrue(all.stream().allMatch(r -> r.synonyms().isEmpty() && r.documentation() == null));
        assertTrue(ConfigDescriber.describeTopic(Map.of(), b, List.of("no.such.config"), true, true).isEmpty());
    }

    @Test
    void brokerSourcesFollowPrecedence() {
        BrokerConfig b = broker("log.retention.ms", "5000");
        DescribeConfigsResourceResult r = ConfigDescriber.describeBroker(b, Map.of("log.retention.ms", "100"),
                Map.of("log.retention.ms", "200"), List.of("log.retention.ms"), true, false).get(0);
        assertEquals("100", r.value());
        assertEquals(DYNAMIC_BROKER, r.configSource());
        assertFalse(r.readOnly());
        assertEquals(List.of("2:log.retention.ms=100", "3:log.retention.ms=200", "4:log.retention.ms=5000",
                "5:log.retention.hours=168"), synonyms(r));

        r = ConfigDescriber.describeBroker(b, Map.of(), Map.of("log.retention.ms", "200"), List.of("log.retention.ms"), true, false).get(0);
        assertEquals(DYNAMIC_DEFAULT, r.configSource());
        assertEquals("200", r.value());

        r = ConfigDescriber.describeBroker(b, Map.of(), Map.of(), List.of("num.partitions", "offsets.topic.replication.factor"), false, false).get(0);
        assertEquals("1", r.value());
        assertEquals(DEFAULT, r.configSource());
        assertTrue(r.readOnly());
        assertEquals(SHORT, ConfigDescriber.describeBroker(b, Map.of(), Map.of(), List.of("offsets.topic.replication.factor"),
                false, false).get(0).configType());

        r = ConfigDescriber.describeBroker(b, Map.of(), Map.of(), List.of("broker.id"), false, false).get(0);
        assertEquals(STATIC, r.configSource());
        assertEquals("0", r.value());
    }

    @Test
    void passwordsAreNeverReturned() {
        BrokerConfig b = broker("ssl.keystore.password", "secret");
        DescribeConfigsResourceResult r = ConfigDescriber.describeBroker(b, Map.of(), Map.of(),
                List.of("ssl.keystore.password"), true, false).get(0);
        assertNull(r.value());
        assertTrue(r.isSensitive());
        assertEquals(PASSWORD, r.configType());
        assertEquals(STATIC, r.configSource());
        assertTrue(r.synonyms().stream().allMatch(s -> s.value() == null));
    }

    @Test
    void dynamicBrokerValidation() {
        assertDoesNotThrow(() -> ConfigDescriber.validateBrokerDynamic(Map.of("log.retention.ms", "1000", "min.insync.replicas", "2")));
        Map<String, String> deletion = new HashMap<>();
        deletion.put("log.retention.ms", null);
        assertDoesNotThrow(() -> ConfigDescriber.validateBrokerDynamic(deletion));
        String msg = assertThrows(InvalidConfigurationException.class,
                () -> ConfigDescriber.validateBrokerDynamic(Map.of("listeners", "PLAINTEXT://:1"))).getMessage();
        assertTrue(msg.contains("listeners"), msg);
        msg = assertThrows(InvalidConfigurationException.class,
                () -> ConfigDescriber.validateBrokerDynamic(Map.of("log.retention.ms", "soon"))).getMessage();
        assertTrue(msg.contains("log.retention.ms"), msg);
    }
}
