package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.BrokerConnection;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Partition reassignment (KIP-455) through the Admin API against three kraft nodes: data moves to the
 * new replicas, the old ones let the partition go, acknowledged records survive a leader move, and bad
 * requests get Kafka's error codes. Each test uses its own topic on one shared cluster.
 */
class ReassignmentTest extends SharedClusterTest {
    private static final long WAIT_MS = 60_000;

    @Test
    void movesAnRf1PartitionWithItsDataAndTheOldBrokerLetsItGo() throws Exception {
        TopicPartition tp = new TopicPartition("moved", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1))))).all().get();
        List<String> written = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 200; i++) {
                written.add("record-" + i);
                producer.send(new ProducerRecord<>(tp.topic(), 0, null, "record-" + i)).get();
            }
        }

        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(2)))))
                .all().get();

        awaitReplicas(tp, List.of(2));
        ThreeNodeCluster.await(() -> !cluster.hosts(1, tp) && cluster.hosts(2, tp), WAIT_MS, "the partition on broker 2 only");
        ThreeNodeCluster.await(() -> !Files.exists(dir.resolve("node-1").resolve("moved-0")), WAIT_MS,
                "the log directory on broker 1 to be deleted");
        assertEquals(2, partitionInfo(tp).leader().id());
        assertEquals(written, consumeAll(tp, written.size()));
        assertTrue(admin.listPartitionReassignments().reassignments().get().isEmpty());
    }

    @Test
    void movesAnRf2PartitionAwayFromItsLeaderWithoutLosingAcknowledgedRecords() throws Exception {
        TopicPartition tp = new TopicPartition("busy", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1, 2)))
                .configs(Map.of("min.insync.replicas", "2")))).all().get();
        ThreeNodeCluster.await(() -> cluster.hosts(1, tp) && cluster.hosts(2, tp)
                        && cluster.partition(1, tp).state().isr().size() == 2,
                WAIT_MS, "both replicas in sync");
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try (KafkaProducer<String, String> producer = producer()) {
                for (int i = 0; producing.get(); i++) {
                    String value = "v" + i;
                    producer.send(new ProducerRecord<>(tp.topic(), 0, null, value), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.add(value);
                        }
                    });
                    if (i % 50 == 0) {
                        producer.flush();
                    }
                }
                producer.flush();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "reassignment-test-producer");
        writer.start();
        ThreeNodeCluster.await(() -> acknowledged.size() >= 500, WAIT_MS, "records acknowledged before the move");

        admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(2, 3)))))
                .all().get();
        awaitReplicas(tp, List.of(2, 3));
        int afterMove = acknowledged.size();
        // Well under the producer's 30 s request timeout: acks=all produces waiting at the old leader fail over
        // at once when it lets the partition go, instead of hanging until the producer gives up on them.
        ThreeNodeCluster.await(() -> acknowledged.size() >= afterMove + 500, 15_000, "records acknowledged after the move");
        producing.set(false);
        writer.join(WAIT_MS);
        assertEquals(null, failure.get());

        TopicPartitionInfo info = partitionInfo(tp);
        assertTrue(Set.of(2, 3).contains(info.leader().id()), "leader moved off broker 1: " + info);
        ThreeNodeCluster.await(() -> !cluster.hosts(1, tp), WAIT_MS, "broker 1 to let the partition go");
        long end = admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                .get(tp).offset();
        Set<String> read = Set.copyOf(consumeAll(tp, (int) end));
        for (String value : acknowledged) {
            assertTrue(read.contains(value), "acknowledged record " + value + " lost");
        }
    }

    @Test
    void theFollowerThrottleAloneSlowsTheCopy() throws Exception {
        TopicPartition tp = new TopicPartition("follower-throttled", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1)))
                .configs(Map.of("follower.replication.throttled.replicas", "0:3")))).all().get();
        try (KafkaProducer<String, String> producer = producer()) {
            String value = "x".repeat(1000);
            for (int i = 0; i < 3072; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), 0, null, value));
            }
            producer.flush();
        }
        ConfigResource broker3 = new ConfigResource(ConfigResource.Type.BROKER, "3");
        admin.incrementalAlterConfigs(Map.of(broker3, List.of(new AlterConfigOp(
                new ConfigEntry("follower.replication.throttled.rate", "300000"), AlterConfigOp.OpType.SET)))).all().get();
        try {
            long started = System.nanoTime();
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(3))))).all().get();
            awaitReplicas(tp, List.of(3));
            long elapsedMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // About 3 MB fetched at most 1 MB (replica.fetch.max.bytes) at a time at 300 KB/s: two waits of over 3 s.
            assertTrue(elapsedMs >= 4_000, "about 3 MB copied under a 300 KB/s follower throttle in " + elapsedMs + " ms");
        } finally {
            admin.incrementalAlterConfigs(Map.of(broker3, List.of(new AlterConfigOp(
                    new ConfigEntry("follower.replication.throttled.rate", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        }
    }

    @Test
    void cancellingWithoutAReassignmentInProgressAnswersNoReassignmentInProgress() throws Exception {
        TopicPartition tp = new TopicPartition("settled", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1))))).all().get();
        ExecutionException e = assertThrows(ExecutionException.class, () ->
                admin.alterPartitionReassignments(Map.of(tp, Optional.empty())).all().get());
        assertInstanceOf(NoReassignmentInProgressException.class, e.getCause());
    }

    @Test
    void badRequestsGetKafkasErrorCodes() throws Exception {
        TopicPartition tp = new TopicPartition("guarded", 0);
        admin.createTopics(List.of(new NewTopic(tp.topic(), Map.of(0, List.of(1))))).all().get();
        Map<String, Class<?>> cases = Map.of(
                "unknown topic", UnknownTopicOrPartitionException.class,
                "unknown partition", UnknownTopicOrPartitionException.class,
                "duplicate broker", InvalidReplicaAssignmentException.class,
                "unregistered broker", InvalidReplicaAssignmentException.class);
        Map<String, TopicPartition> partitions = Map.of(
                "unknown topic", new TopicPartition("no-such-topic", 0),
                "unknown partition", new TopicPartition(tp.topic(), 7),
                "duplicate broker", tp, "unregistered broker", tp);
        Map<String, List<Integer>> targets = Map.of(
                "unknown topic", List.of(2), "unknown partition", List.of(2),
                "duplicate broker", List.of(2, 2), "unregistered broker", List.of(99));
        for (String name : cases.keySet()) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.alterPartitionReassignments(
                    Map.of(partitions.get(name), Optional.of(new NewPartitionReassignment(targets.get(name))))).all().get(),
                    name);
            assertInstanceOf(cases.get(name), e.getCause(), name + ": " + e.getCause());
        }
        // The Admin client refuses an empty list itself: send it raw.
        try (BrokerConnection connection = new BrokerConnection("test", 5_000)) {
            AlterPartitionReassignmentsResponseData response = (AlterPartitionReassignmentsResponseData) connection.send(
                    new InetSocketAddress("127.0.0.1", cluster.broker(1).boundPort("PLAINTEXT")),
                    ApiKeys.ALTER_PARTITION_REASSIGNMENTS, (short) 0, new AlterPartitionReassignmentsRequestData()
                            .setTopics(List.of(new ReassignableTopic().setName(tp.topic()).setPartitions(List.of(
                                    new ReassignablePartition().setPartitionIndex(0).setReplicas(List.of()))))),
                    10_000);
            assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                    response.responses().get(0).partitions().get(0).errorCode());
        }
        assertEquals(List.of(1), partitionInfo(tp).replicas().stream().map(n -> n.id()).toList());
        assertFalse(admin.listPartitionReassignments(Set.of(tp)).reassignments().get().containsKey(tp));
    }

    private void awaitReplicas(TopicPartition tp, List<Integer> replicas) throws InterruptedException {
        ThreeNodeCluster.await(() -> {
            try {
                return partitionInfo(tp).replicas().stream().map(n -> n.id()).toList().equals(replicas)
                        && admin.listPartitionReassignments(Set.of(tp)).reassignments().get().isEmpty();
            } catch (Exception e) {
                return false;
            }
        }, WAIT_MS, tp + " on replicas " + replicas);
    }

    private TopicPartitionInfo partitionInfo(TopicPartition tp) throws Exception {
        TopicDescription d = admin.describeTopics(Set.of(tp.topic())).allTopicNames().get().get(tp.topic());
        return d.partitions().get(tp.partition());
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Reads the partition from the beginning until expected records came or the deadline passed. */
    private List<String> consumeAll(TopicPartition tp, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            return PolledValues.poll(consumer, expected, WAIT_MS);
        }
    }
}
