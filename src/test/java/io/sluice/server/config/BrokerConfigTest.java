package io.sluice.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {
    /** The least a zk-mode broker needs; everything else defaults. */
    private static Map<String, String> zk(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("zookeeper.connect", "localhost:2181", "broker.id", "0"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> kraft(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of(
                "process.roles", "broker,controller", "node.id", "1",
                "controller.quorum.voters", "1@localhost:9093", "controller.listener.names", "CONTROLLER",
                "listeners", "PLAINTEXT://:9092,CONTROLLER://:9093"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static ConfigException invalid(Map<String, String> props) {
        return assertThrows(ConfigException.class, () -> BrokerConfig.fromProperties(props));
    }

    @Test
    void defaultsMatchKafka() {
        BrokerConfig c = BrokerConfig.fromProperties(zk());
        assertEquals(List.of(new ListenerConfig("PLAINTEXT", "", 9092)), c.listeners());
        assertEquals(c.listeners(), c.advertisedListeners());
        assertEquals(SecurityProtocol.SASL_SSL, c.securityProtocolFor("SASL_SSL"));
        assertEquals(List.of("/tmp/kafka-logs"), c.logDirs());
        assertEquals("/tmp/kafka-logs", c.metadataLogDir());
        assertEquals(1, c.getInt("num.partitions"));
        assertEquals(1, c.getInt("default.replication.factor"));
        assertEquals(1, c.getInt("min.insync.replicas"));
        assertTrue(c.getBoolean("auto.create.topics.enable"));
        assertTrue(c.getBoolean("delete.topic.enable"));
        assertEquals(1048588, c.getInt("message.max.bytes"));
        assertEquals(1073741824, c.getInt("log.segment.bytes"));
        assertEquals(168L * 3600_000, c.retentionMs());
        assertEquals(168L * 3600_000, c.segmentMs());
        assertEquals(-1L, c.getLong("log.retention.bytes"));
        assertEquals(300000L, c.getLong("log.retention.check.interval.ms"));
        assertEquals(Long.MAX_VALUE, c.getLong("log.flush.interval.messages"));
        assertEquals(Long.MAX_VALUE, c.flushIntervalMs());
        assertEquals(4096, c.getInt("log.index.interval.bytes"));
        assertEquals(10485760, c.getInt("log.index.size.max.bytes"));
        assertEquals(60000L, c.getLong("log.segment.delete.delay.ms"));
        assertEquals(List.of("delete"), c.getList("log.cleanup.policy"));
        assertTrue(c.getBoolean("log.cleaner.enable"));
        assertEquals(86400000L, c.getLong("log.cleaner.delete.retention.ms"));
        assertEquals(0L, c.getLong("log.cleaner.min.compaction.lag.ms"));
        assertEquals(Long.MAX_VALUE, c.getLong("log.cleaner.max.compaction.lag.ms"));
        assertEquals(0.5, c.getDouble("log.cleaner.min.cleanable.ratio"));
        assertEquals("CreateTime", c.getString("log.message.timestamp.type"));
        assertEquals("producer", c.getString("compression.type"));
        assertEquals(104857600, c.getInt("socket.request.max.bytes"));
        assertEquals(102400, c.getInt("socket.send.buffer.bytes"));
        assertEquals(102400, c.getInt("socket.receive.buffer.bytes"));
        assertEquals(500, c.getInt("queued.max.requests"));
        assertEquals(-1L, c.getLong("queued.max.request.bytes"));
        assertEquals(600000L, c.getLong("connections.max.idle.ms"));
        assertEquals(3, c.getInt("num.network.threads"));
        assertEquals(8, c.getInt("num.io.threads"));
        assertEquals(1048576, c.getInt("replica.fetch.max.bytes"));
        assertEquals(30000L, c.getLong("replica.lag.time.max.ms"));
        assertEquals(1, c.getInt("num.replica.fetchers"));
        assertEquals(false, c.getBoolean("unclean.leader.election.enable"));
        assertEquals(50, c.getInt("offsets.topic.num.partitions"));
        assertEquals(3, c.getInt("offsets.topic.replication.factor"));
        assertEquals(10080, c.getInt("offsets.retention.minutes"));
        assertEquals(3000, c.getInt("group.initial.rebalance.delay.ms"));
        assertEquals(Integer.MAX_VALUE, c.getInt("group.max.size"));
        assertEquals(6000, c.getInt("group.min.session.timeout.ms"));
        assertEquals(1800000, c.getInt("group.max.session.timeout.ms"));
        assertEquals(3, c.getInt("transaction.state.log.replication.factor"));
        assertEquals(2, c.getInt("transaction.state.log.min.isr"));
        assertEquals(50, c.getInt("transaction.state.log.num.partitions"));
        assertEquals(604800000, c.getInt("transactional.id.expiration.ms"));
        assertEquals(86400000, c.getInt("producer.id.expiration.ms"));
        assertNull(c.getString("broker.rack"));
        assertEquals(18000, c.getInt("zookeeper.session.timeout.ms"));
        assertEquals(18000, c.zookeeperConnectionTimeoutMs());
        assertEquals(false, c.getBoolean("zookeeper.set.acl"));
        assertEquals(9000, c.getInt("broker.session.timeout.ms"));
        assertEquals(2000, c.getInt("broker.heartbeat.interval.ms"));
        assertTrue(c.getBoolean("auto.leader.rebalance.enable"));
        assertEquals(300L, c.getLong("leader.imbalance.check.interval.seconds"));
        assertEquals(57671680, c.getInt("fetch.max.bytes"));
        assertEquals(List.of("classic", "consumer"), c.getList("group.coordinator.rebalance.protocols"));
        assertEquals(1000, c.getInt("controller.quorum.election.timeout.ms"));
        assertEquals(2000, c.getInt("controller.quorum.fetch.timeout.ms"));
        assertEquals(25, c.getInt("controller.quorum.append.linger.ms"));
        assertEquals(3600000L, c.getLong("log.message.timestamp.after.max.ms"));
        assertEquals("PLAINTEXT", c.interBrokerListenerName());
    }

    @Test
    void unknownKeysAreKept() {
        BrokerConfig c = BrokerConfig.fromProperties(zk("my.plugin.setting", "x"));
        assertEquals("x", c.originals().get("my.plugin.setting"));
        ConfigException e = assertThrows(ConfigException.class, () -> c.getString("my.plugin.setting"));
        assertTrue(e.getMessage().contains("my.plugin.setting"));
    }

    @Test
    void invalidValuesNameTheKey() {
        assertTrue(invalid(zk("num.partitions", "many")).getMessage().contains("num.partitions"));
        assertTrue(invalid(zk("num.partitions", "0")).getMessage().contains("num.partitions"));
        assertTrue(invalid(zk("log.cleanup.policy", "shred")).getMessage().contains("log.cleanup.policy"));
        assertTrue(invalid(zk("compression.type", "brotli")).getMessage().contains("compression.type"));
        assertTrue(invalid(zk("log.segment.bytes", "1000")).getMessage().contains("log.segment.bytes"));
        assertTrue(invalid(zk("auto.create.topics.enable", "perhaps")).getMessage().contains("auto.create.topics.enable"));
        assertTrue(invalid(zk("listener.security.protocol.map", "PLAINTEXT:TLS")).getMessage()
                .contains("listener.security.protocol.map"));
    }

    @Test
    void modeDetection() {
        assertEquals(MetadataMode.ZK, BrokerConfig.fromProperties(zk()).metadataMode());
        assertEquals(MetadataMode.KRAFT, BrokerConfig.fromProperties(kraft()).metadataMode());
        BrokerConfig migrating = BrokerConfig.fromProperties(kraft(
                "process.roles", "controller", "listeners", "CONTROLLER://:9093",
                "zookeeper.connect", "zk:2181/kafka", "zookeeper.metadata.migration.enable", "true"));
        assertEquals(MetadataMode.MIGRATION, migrating.metadataMode());
        BrokerConfig migratingBroker = BrokerConfig.fromProperties(zk(
                "zookeeper.metadata.migration.enable", "true",
                "controller.quorum.voters", "3000@ctl:9093", "controller.listener.names", "CONTROLLER"));
        assertEquals(MetadataMode.MIGRATION, migratingBroker.metadataMode());
    }

    @Test
    void modeErrorsNameTheMissingKey() {
        assertTrue(invalid(Map.of()).getMessage().contains("process.roles"));
        assertTrue(invalid(kraft("node.id", "-1")).getMessage().contains("node.id"));
        Map<String, String> noQuorum = kraft();
        noQuorum.remove("controller.quorum.voters");
        assertTrue(invalid(noQuorum).getMessage().contains("controller.quorum.voters"));
        noQuorum.put("controller.quorum.bootstrap.servers", "localhost:9093");
        assertEquals(MetadataMode.KRAFT, BrokerConfig.fromProperties(noQuorum).metadataMode());
        noQuorum.put("controller.quorum.bootstrap.servers", "localhost:9093,1@localhost:9094");
        assertTrue(invalid(noQuorum).getMessage().contains("'1@localhost:9094' is not of the form host:port"),
                invalid(noQuorum).getMessage());
        Map<String, String> noControllerListener = kraft("listeners", "PLAINTEXT://:9092");
        noControllerListener.remove("controller.listener.names");
        assertTrue(invalid(noControllerListener).getMessage().contains("controller.listener.names"));
        assertTrue(invalid(kraft("listeners", "PLAINTEXT://:9092")).getMessage().contains("controller.listener.names"));
        assertTrue(invalid(kraft("controller.quorum.voters", "localhost:9093")).getMessage().contains("controller.quorum.voters"));
        assertTrue(invalid(kraft("process.roles", "broker,gateway")).getMessage().contains("process.roles"));

        ConfigException zkNoId = invalid(Map.of("zookeeper.connect", "localhost:2181"));
        assertTrue(zkNoId.getMessage().contains("broker.id"));
        assertTrue(zkNoId.getMessage().contains("non-negative"));

        ConfigException both = invalid(kraft("zookeeper.connect", "localhost:2181"));
        assertTrue(both.getMessage().contains("zookeeper.metadata.migration.enable"));
        assertTrue(invalid(kraft("zookeeper.metadata.migration.enable", "true")).getMessage().contains("zookeeper.connect"));
    }

    @Test
    void brokerIdFollowsNodeIdAndMustAgree() {
        assertEquals(1, BrokerConfig.fromProperties(kraft()).nodeId());
        assertEquals(1, BrokerConfig.fromProperties(kraft("broker.id", "1")).nodeId());
        assertTrue(invalid(kraft("broker.id", "2")).getMessage().contains("broker.id"));
    }

    @Test
    void retentionPrecedenceIsMsThenMinutesThenHours() {
        assertEquals(24L * 3600_000, BrokerConfig.fromProperties(zk("log.retention.hours", "24")).retentionMs());
        assertEquals(30L * 60_000, BrokerConfig.fromProperties(zk("log.retention.hours", "24", "log.retention.minutes", "30")).retentionMs());
        assertEquals(5000L, BrokerConfig.fromProperties(zk("log.retention.hours", "24", "log.retention.minutes", "30",
                "log.retention.ms", "5000")).retentionMs());
        assertEquals(-1L, BrokerConfig.fromProperties(zk("log.retention.ms", "-1")).retentionMs());
        assertEquals(-1L, BrokerConfig.fromProperties(zk("log.retention.minutes", "-5")).retentionMs());
    }

    @Test
    void rollAndFlushFallBackToTheirCoarserKeys() {
        assertEquals(2L * 3600_000, BrokerConfig.fromProperties(zk("log.roll.hours", "2")).segmentMs());
        assertEquals(1234L, BrokerConfig.fromProperties(zk("log.roll.hours", "2", "log.roll.ms", "1234")).segmentMs());
        assertEquals(3600_000L, BrokerConfig.fromProperties(zk("log.roll.jitter.hours", "1")).segmentJitterMs());
        assertEquals(1000L, BrokerConfig.fromProperties(zk("log.flush.scheduler.interval.ms", "1000")).flushIntervalMs());
        assertEquals(10L, BrokerConfig.fromProperties(zk("log.flush.scheduler.interval.ms", "1000",
                "log.flush.interval.ms", "10")).flushIntervalMs());
    }

    @Test
    void logDirsOverridesLogDir() {
        BrokerConfig c = BrokerConfig.fromProperties(zk("log.dir", "/a", "log.dirs", "/b, /c"));
        assertEquals(List.of("/b", "/c"), c.logDirs());
        assertEquals("/b", c.metadataLogDir());
        assertEquals(List.of("/a"), BrokerConfig.fromProperties(zk("log.dir", "/a")).logDirs());
        assertEquals("/meta", BrokerConfig.fromProperties(zk("log.dir", "/a", "metadata.log.dir", "/meta")).metadataLogDir());
    }

    @Test
    void listenersAreParsed() {
        BrokerConfig c = BrokerConfig.fromProperties(zk(
                "listeners", "plaintext://0.0.0.0:9092,SSL://[::1]:9093,INTERNAL://broker-1.example:19092",
                "advertised.listeners", "PLAINTEXT://public.example:9092,INTERNAL://[fe80::1%eth0]:19092",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SSL:SSL,INTERNAL:SASL_SSL",
                "inter.broker.listener.name", "INTERNAL"));
        assertEquals(List.of(new ListenerConfig("PLAINTEXT", "0.0.0.0", 9092), new ListenerConfig("SSL", "::1", 9093),
                new ListenerConfig("INTERNAL", "broker-1.example", 19092)), c.listeners());
        assertEquals(List.of(new ListenerConfig("PLAINTEXT", "public.example", 9092),
                new ListenerConfig("INTERNAL", "fe80::1%eth0", 19092)), c.advertisedListeners());
        assertEquals(SecurityProtocol.SASL_SSL, c.securityProtocolFor("INTERNAL"));
        assertEquals("INTERNAL", c.interBrokerListenerName());
        assertTrue(c.listeners().get(0).host().equals("0.0.0.0"));
        assertTrue(new ListenerConfig("PLAINTEXT", "", 9092).bindsAllInterfaces());
    }

    @Test
    void invalidListenersNameTheKey() {
        for (String bad : List.of("PLAINTEXT:9092", "PLAINTEXT://host", "PLAINTEXT://host:99999", "PLAINTEXT://::1:9092",
                "PLAINTEXT://:9092,PLAINTEXT://:9093", "://:9092")) {
            ConfigException e = invalid(zk("listeners", bad));
            assertTrue(e.getMessage().contains("listeners"), bad + " -> " + e.getMessage());
        }
        assertTrue(invalid(zk("listeners", "INTERNAL://:9092")).getMessage().contains("listeners"));
        assertTrue(invalid(zk("advertised.listeners", "EXTERNAL://h:1")).getMessage().contains("advertised.listeners"));
    }

    @Test
    void kraftMapsTheControllerListenerImplicitly() {
        BrokerConfig c = BrokerConfig.fromProperties(kraft());
        assertEquals(SecurityProtocol.PLAINTEXT, c.securityProtocolFor("CONTROLLER"));
        assertEquals(List.of(new ListenerConfig("PLAINTEXT", "", 9092)), c.advertisedListeners());
        // given explicitly, the map must name the controller listener itself
        assertTrue(invalid(kraft("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT")).getMessage().contains("listeners"));
    }

    @Test
    void interBrokerListenerMustBeAdvertised() {
        assertTrue(invalid(zk("listeners", "SSL://:9093")).getMessage().contains("inter.broker.listener.name"));
        assertEquals("SSL", BrokerConfig.fromProperties(zk("listeners", "SSL://:9093",
                "security.inter.broker.protocol", "SSL")).interBrokerListenerName());
    }

    @Test
    void replicaSelectorAcceptsKafkasTwoSelectorsAndRefusesAnyOtherNamingTheKey() {
        assertEquals("org.apache.kafka.common.replica.RackAwareReplicaSelector", BrokerConfig.fromProperties(
                zk("replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector"))
                .getString("replica.selector.class"));
        BrokerConfig.fromProperties(zk("replica.selector.class", "org.apache.kafka.common.replica.LeaderSelector"));
        assertNull(BrokerConfig.fromProperties(zk()).getString("replica.selector.class"));
        ConfigException e = invalid(zk("replica.selector.class", "com.example.MySelector"));
        assertTrue(e.getMessage().contains("replica.selector.class"), e.getMessage());
        assertTrue(e.getMessage().contains("com.example.MySelector"), e.getMessage());
    }
}
