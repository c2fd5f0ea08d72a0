package io.sluice.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void envNamesMapToKeysAsInKafkasImage() {
        assertEquals("num.partitions", ConfigLoader.envNameToKey("KAFKA_NUM_PARTITIONS"));
        assertEquals("listener.security.protocol.map", ConfigLoader.envNameToKey("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
        assertEquals("log.dirs", ConfigLoader.envNameToKey("KAFKA_LOG_DIRS"));
        // '__' escapes an underscore, '___' a dash
        assertEquals("listener.name.internal.ssl_client.auth", ConfigLoader.envNameToKey("KAFKA_LISTENER_NAME_INTERNAL_SSL__CLIENT_AUTH"));
        assertEquals("some-key.x", ConfigLoader.envNameToKey("KAFKA_SOME___KEY_X"));
        assertEquals("a_b-c.d", ConfigLoader.envNameToKey("KAFKA_A__B___C_D"));
    }

    @Test
    void nonConfigVariablesAreIgnoredAndClusterIdIsExposed() {
        Map<String, String> env = Map.of(
                "KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_OPTS", "-Dx", "KAFKA_LOG_DIR", "/var/log/kafka",
                "KAFKA_VERSION", "4.0.0", "KAFKA_JMX_OPTS", "", "PATH", "/bin",
                "KAFKA_CLUSTER_ID", "MkU3OEVBNTcwNTJENDM2Qk", "KAFKA_LOG_DIRS", "/data", "KAFKA_NODE_ID", "3");
        Map<String, String> loaded = ConfigLoader.load(Optional.empty(), env);
        assertEquals(Map.of("cluster.id", "MkU3OEVBNTcwNTJENDM2Qk", "log.dirs", "/data", "node.id", "3"), loaded);
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "# comment\nnum.partitions=3\nlog.dirs = /from/file\nbroker.id:7\n", StandardCharsets.ISO_8859_1);
        Map<String, String> loaded = ConfigLoader.load(Optional.of(file), Map.of("KAFKA_NUM_PARTITIONS", "6"));
        assertEquals("6", loaded.get("num.partitions"));
        assertEquals("/from/file", loaded.get("log.dirs"));
        assertEquals("7", loaded.get("broker.id"));
    }

    @Test
    void fileAloneIsNotMixedWithDefaults() throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "zookeeper.connect=localhost:2181\nbroker.id=0\n");
        Map<String, String> loaded = ConfigLoader.load(Optional.of(file), Map.of("KAFKA_HEAP_OPTS", "-Xmx1g"));
        assertEquals(Map.of("zookeeper.connect", "localhost:2181", "broker.id", "0"), loaded);
    }

    @Test
    void nothingGivenMeansSingleNodeDefaults() {
        Map<String, String> loaded = ConfigLoader.load(Optional.empty(), Map.of("KAFKA_HEAP_OPTS", "-Xmx1g", "HOME", "/root"));
        assertEquals(ConfigLoader.singleNodeDefaults(), loaded);
        assertEquals("broker,controller", loaded.get("process.roles"));
        assertEquals("1@localhost:9093", loaded.get("controller.quorum.voters"));
        assertEquals("0", loaded.get("group.initial.rebalance.delay.ms"));
    }

    @Test
    void logDirsAloneKeepsTheSingleNodeDefaults() {
        Map<String, String> loaded = ConfigLoader.load(Optional.empty(), Map.of("KAFKA_LOG_DIRS", "/var/lib/sluice/data"));
        Map<String, String> expected = new java.util.LinkedHashMap<>(ConfigLoader.singleNodeDefaults());
        expected.put("log.dirs", "/var/lib/sluice/data");
        assertEquals(expected, loaded);
        BrokerConfig config = BrokerConfig.fromProperties(loaded);
        assertEquals(MetadataMode.KRAFT, config.metadataMode());
        assertEquals(java.util.List.of("/var/lib/sluice/data"), config.logDirs());
    }

    @Test
    void clusterIdAndLogDirsKeepTheSingleNodeDefaults() {
        for (String clusterIdVariable : java.util.List.of("KAFKA_CLUSTER_ID", "CLUSTER_ID")) {
            Map<String, String> loaded = ConfigLoader.load(Optional.empty(),
                    Map.of(clusterIdVariable, "MkU3OEVBNTcwNTJENDM2Qk", "KAFKA_LOG_DIRS", "/data", "KAFKA_HEAP_OPTS", "-Xmx1g"));
            assertEquals("MkU3OEVBNTcwNTJENDM2Qk", loaded.get("cluster.id"), clusterIdVariable);
            assertEquals("/data", loaded.get("log.dirs"), clusterIdVariable);
            assertEquals("broker,controller", loaded.get("process.roles"), clusterIdVariable);
            assertEquals("1@localhost:9093", loaded.get("controller.quorum.voters"), clusterIdVariable);
        }
        Map<String, String> clusterIdOnly = ConfigLoader.load(Optional.empty(), Map.of("CLUSTER_ID", "abc"));
        Map<String, String> expected = new java.util.LinkedHashMap<>(ConfigLoader.singleNodeDefaults());
        expected.put("cluster.id", "abc");
        assertEquals(expected, clusterIdOnly);
    }

    @Test
    void kafkaClusterIdWinsOverTheImagesClusterId() {
        Map<String, String> loaded = ConfigLoader.load(Optional.empty(), Map.of("CLUSTER_ID", "image", "KAFKA_CLUSTER_ID", "kafka"));
        assertEquals("kafka", loaded.get("cluster.id"));
    }

    @Test
    void anyOtherSettingReplacesTheDefaults() {
        Map<String, String> loaded = ConfigLoader.load(Optional.empty(),
                Map.of("KAFKA_LOG_DIRS", "/data", "KAFKA_ZOOKEEPER_CONNECT", "zk:2181", "KAFKA_BROKER_ID", "2"));
        assertEquals(Map.of("log.dirs", "/data", "zookeeper.connect", "zk:2181", "broker.id", "2"), loaded);
    }

    @Test
    void singleNodeDefaultsParseAsKraft() {
        BrokerConfig config = BrokerConfig.fromProperties(ConfigLoader.singleNodeDefaults());
        assertEquals(MetadataMode.KRAFT, config.metadataMode());
        assertEquals(1, config.nodeId());
        assertEquals(1, config.getInt("offsets.topic.replication.factor"));
        assertTrue(config.advertisedListeners().stream().noneMatch(l -> l.name().equals("CONTROLLER")));
        assertFalse(config.listeners().isEmpty());
    }
}
