package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.KafkaTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Kafka's own {@code kafka-reassign-partitions} (ReassignPartitionsCommand 4.3.1) against three kraft
 * nodes: --generate proposes a plan, --execute --throttle moves a partition no faster than the throttle,
 * --verify reports it complete and removes the throttles, --list shows a move in progress and --cancel
 * reverts it.
 */
class ReassignPartitionsToolTest extends SharedClusterTest {
    private static final String TOOL = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
    private static final long WAIT_MS = 90_000;
    private static final int RECORD_BYTES = 1000;
    /** About 1 MB: at 100 KB/s no honest throttle moves it in under 5 s. */
    private static final int RECORDS = 1024;

    @Test
    void generateProposesAPlanOnTheGivenBrokers() throws Exception {
        admin.createTopics(List.of(new NewTopic("planned", Map.of(0, List.of(1), 1, List.of(1))))).all().get();
        Path topics = Files.writeString(dir.resolve("topics.json"),
                "{\"version\":1,\"topics\":[{\"topic\":\"planned\"}]}");
        KafkaTools.Result result = tool("--generate", "--topics-to-move-json-file", topics.toString(),
                "--broker-list", "2,3");
        assertEquals(0, result.exitCode(), result.all());
        assertTrue(result.stdout().contains("Current partition replica assignment"), result.all());
        String proposed = result.stdout().substring(result.stdout().indexOf("Proposed partition reassignment configuration"));
        assertTrue(proposed.contains("\"topic\":\"planned\""), result.all());
        assertFalse(proposed.matches("(?s).*\"replicas\":\\[1\\].*"), "the plan keeps broker 1: " + result.all());
    }

    @Test
    void executeWithAThrottleMovesNoFasterThanTheThrottleAndVerifyRemovesIt() throws Exception {
        TopicPartition tp = new TopicPartition("throttled", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1))))).all().get();
        writeAboutOneMegabyte(tp);
        Path plan = plan(tp, 2);

        KafkaTools.Result executed = tool("--execute", "--additional", "--reassignment-json-file", plan.toString(),
                "--throttle", "100000");
        // Measured from when the tool returned: the move started before, so the bound below is conservative.
        long started = System.nanoTime();
        assertEquals(0, executed.exitCode(), executed.all());
        assertTrue(executed.stdout().contains("The inter-broker throttle limit was set to 100000 B/s"), executed.all());
        assertEquals("100000", brokerConfig(1, "leader.replication.throttled.rate"));
        assertEquals("0:1", topicConfig(tp.topic(), "leader.replication.throttled.replicas"));
        assertEquals("0:2", topicConfig(tp.topic(), "follower.replication.throttled.replicas"));

        KafkaTools.Result verified = null;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (verified == null || !verified.stdout().contains("Reassignment of partition " + tp + " is completed")) {
            KafkaTools.Result last = verified;
            assertTrue(System.nanoTime() < deadline, () -> "the reassignment did not complete: " + last.all());
            verified = tool("--verify", "--reassignment-json-file", plan.toString());
            assertEquals(0, verified.exitCode(), verified.all());
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(elapsedMs >= 5_000, "about 1 MB moved at a 100 KB/s throttle in " + elapsedMs + " ms");
        assertTrue(verified.stdout().contains("Clearing broker-level throttles"), verified.all());
        assertTrue(verified.stdout().contains("Clearing topic-level throttles"), verified.all());
        ThreeNodeCluster.await(() -> !cluster.hosts(1, tp) && cluster.hosts(2, tp), WAIT_MS, "the partition on broker 2 only");
        assertEquals(null, brokerConfig(1, "leader.replication.throttled.rate"));
        assertEquals(null, brokerConfig(2, "follower.replication.throttled.rate"));
        assertEquals(null, topicConfig(tp.topic(), "leader.replication.throttled.replicas"));
        assertEquals(RECORDS, admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                .all().get().get(tp).offset());
    }

    @Test
    void cancelRevertsAMoveInProgress() throws Exception {
        TopicPartition tp = new TopicPartition("cancelled", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1))))).all().get();
        writeAboutOneMegabyte(tp);
        Path plan = plan(tp, 3);
        // 10 KB/s: the move would take about 100 s, so it is still in progress when cancelled.
        KafkaTools.Result executed = tool("--execute", "--additional", "--reassignment-json-file", plan.toString(),
                "--throttle", "10000");
        assertEquals(0, executed.exitCode(), executed.all());
        KafkaTools.Result inProgress = tool("--verify", "--reassignment-json-file", plan.toString());
        assertTrue(inProgress.stdout().contains("Reassignment of partition " + tp + " is still in progress"),
                inProgress.all());
        assertEquals(List.of(3, 1), admin.listPartitionReassignments(Set.of(tp)).reassignments().get().get(tp).replicas());
        KafkaTools.Result listed = tool("--list");
        assertEquals(0, listed.exitCode(), listed.all());
        assertTrue(listed.stdout().contains(tp + ": replicas: 3,1. adding: 3. removing: 1."), listed.all());

        KafkaTools.Result cancelled = tool("--cancel", "--reassignment-json-file", plan.toString());
        assertEquals(0, cancelled.exitCode(), cancelled.all());
        assertTrue(cancelled.stdout().contains("Successfully cancelled reassignment of partition(s): " + tp)
                || cancelled.stdout().contains("Successfully cancelled"), cancelled.all());
        assertTrue(admin.listPartitionReassignments(Set.of(tp)).reassignments().get().isEmpty());
        assertEquals(List.of(1), admin.describeTopics(Set.of(tp.topic())).allTopicNames().get().get(tp.topic())
                .partitions().get(0).replicas().stream().map(n -> n.id()).toList());
        ThreeNodeCluster.await(() -> !cluster.hosts(3, tp), WAIT_MS, "broker 3 to let the partition go");
        assertEquals(null, brokerConfig(1, "leader.replication.throttled.rate"), "--cancel clears the throttles");
    }

    /** Runs the tool; tests pass --additional to --execute so one test's move never blocks another's. */
    private KafkaTools.Result tool(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("--bootstrap-server", cluster.bootstrap()));
        all.addAll(List.of(args));
        return KafkaTools.run(TOOL, all, 120);
    }

    private Path plan(TopicPartition tp, int broker) throws Exception {
        return Files.writeString(dir.resolve(tp.topic() + "-plan.json"), "{\"version\":1,\"partitions\":[{\"topic\":\""
                + tp.topic() + "\",\"partition\":" + tp.partition() + ",\"replicas\":[" + broker + "]}]}");
    }

    private void writeAboutOneMegabyte(TopicPartition tp) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, new byte[RECORD_BYTES]));
            }
            producer.flush();
        }
    }

    private String brokerConfig(int broker, String key) throws Exception {
        return dynamicValue(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker)), key);
    }

    private String topicConfig(String topic, String key) throws Exception {
        return dynamicValue(new ConfigResource(ConfigResource.Type.TOPIC, topic), key);
    }

    /** The value set at runtime for key, or null when it has its default. */
    private String dynamicValue(ConfigResource resource, String key) throws Exception {
        Config config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
        ConfigEntry entry = config.get(key);
        return entry == null || entry.isDefault() || entry.source() == ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG
                ? null : entry.value();
    }
}
