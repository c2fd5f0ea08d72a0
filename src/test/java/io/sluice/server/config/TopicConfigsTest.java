package io.sluice.server.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {
    private static BrokerConfig broker(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("zookeeper.connect", "localhost:2181", "broker.id", "0"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return BrokerConfig.fromProperties(m);
    }

    private static String rejection(Map<String, String> overrides) {
        return assertThrows(InvalidConfigurationException.class, () -> TopicConfigs.validate(overrides)).getMessage();
    }

    @Test
    void followsKafka4TopicConfigList() {
        Set<String> names = TopicConfigDef.configDef().names();
        assertFalse(names.contains("message.downconversion.enable"));
        assertFalse(names.contains("message.format.version"));
        for (String name : List.of("cleanup.policy", "compression.type", "delete.retention.ms", "file.delete.delay.ms",
                "flush.messages", "flush.ms", "index.interval.bytes", "max.compaction.lag.ms", "max.message.bytes",
                "message.timestamp.type", "message.timestamp.before.max.ms", "message.timestamp.after.max.ms",
                "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas", "preallocate",
                "retention.bytes", "retention.ms", "segment.bytes", "segment.index.bytes", "segment.jitter.ms",
                "segment.ms", "unclean.leader.election.enable", "compression.gzip.level", "local.retention.ms",
                "remote.storage.enable", "leader.replication.throttled.replicas")) {
            assertTrue(names.contains(name), name);
        }
    }

    @Test
    void validOverridesPass() {
        assertDoesNotThrow(() -> TopicConfigs.validate(Map.of(
                "cleanup.policy", "compact,delete", "retention.ms", "-1", "segment.bytes", "1048576",
                "min.cleanable.dirty.ratio", "0.1", "message.timestamp.type", "LogAppendTime",
                "leader.replication.throttled.replicas", "0:1,1:2", "follower.replication.throttled.replicas", "*")));
    }

    @Test
    void unknownKeysAndInvalidValuesAreRejectedNamingTheKey() {
        assertEquals("Unknown topic config name: retention.days", rejection(Map.of("retention.days", "7")));
        assertTrue(rejection(Map.of("message.downconversion.enable", "true")).contains("message.downconversion.enable"));
        String msg = rejection(Map.of("retention.ms", "abc"));
        assertTrue(msg.startsWith("Invalid value abc for configuration retention.ms:"), msg);
        assertTrue(rejection(Map.of("retention.ms", "-2")).contains("retention.ms"));
        assertTrue(rejection(Map.of("segment.bytes", "1000")).contains("segment.bytes"));
        assertTrue(rejection(Map.of("cleanup.policy", "forever")).contains("cleanup.policy"));
        assertTrue(rejection(Map.of("compression.type", "brotli")).contains("compression.type"));
        assertTrue(rejection(Map.of("min.cleanable.dirty.ratio", "1.5")).contains("min.cleanable.dirty.ratio"));
        assertTrue(rejection(Map.of("compression.gzip.level", "0")).contains("compression.gzip.level"));
        assertTrue(rejection(Map.of("leader.replication.throttled.replicas", "*,0:1"))
                .contains("leader.replication.throttled.replicas"));
        assertTrue(rejection(Map.of("min.compaction.lag.ms", "10", "max.compaction.lag.ms", "5")).contains("min.compaction.lag.ms"));
    }

    @Test
    void effectiveValuesComeFromTheBrokerUnlessOverridden() {
        Map<String, Object> defaults = TopicConfigs.effective(Map.of(), broker());
        assertEquals(TopicConfigDef.configDef().names(), defaults.keySet());
        assertEquals(604800000L, defaults.get("retention.ms"));
        assertEquals(604800000L, defaults.get("segment.ms"));
        assertEquals(Long.MAX_VALUE, defaults.get("flush.ms"));
        assertEquals(1048588, defaults.get("max.message.bytes"));
        assertEquals(List.of("delete"), defaults.get("cleanup.policy"));
        assertEquals(0.5, defaults.get("min.cleanable.dirty.ratio"));
        assertEquals(3600000L, defaults.get("message.timestamp.after.max.ms"));
        assertEquals(false, defaults.get("remote.storage.enable"));

        BrokerConfig b = broker("log.retention.minutes", "60", "log.roll.hours", "1", "message.max.bytes", "2000000",
                "log.cleanup.policy", "compact", "log.flush.scheduler.interval.ms", "500", "min.insync.replicas", "2");
        Map<String, Object> inherited = TopicConfigs.effective(Map.of("segment.ms", "1000"), b);
        assertEquals(3600000L, inherited.get("retention.ms"));
        assertEquals(1000L, inherited.get("segment.ms"));
        assertEquals(500L, inherited.get("flush.ms"));
        assertEquals(2000000, inherited.get("max.message.bytes"));
        assertEquals(List.of("compact"), inherited.get("cleanup.policy"));
        assertEquals(2, inherited.get("min.insync.replicas"));

        assertEquals(-1L, TopicConfigs.effective(Map.of("retention.ms", "-1"), b).get("retention.ms"));
        assertThrows(InvalidConfigurationException.class, () -> TopicConfigs.effective(Map.of("retention.ms", "x"), b));
    }
}
