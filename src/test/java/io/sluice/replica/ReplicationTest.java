package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.log.LogConfig;
import io.sluice.log.PartitionLog;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.ProtoIds;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.PartitionChangeRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication across three combined broker,controller nodes driven by real kafka-clients: followers
 * fetch from the leader, acks=all waits for the in-sync replicas, the high watermark follows the
 * slowest of them, and a follower whose log diverged truncates its tail.
 */
class ReplicationTest {
    private static final String TOPIC = "replicated";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final long WAIT_MS = 20_000;
    private static final int FETCHERS = 2;

    @TempDir
    Path dir;
    private ThreeNodeCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new ThreeNodeCluster(dir, Map.of("num.replica.fetchers", String.valueOf(FETCHERS))).start();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get();
        }
        ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.hosts(id, TP)
                && cluster.partition(id, TP).leaderId() >= 0), WAIT_MS, "the partition on all three nodes");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void acksAllIsAnsweredOnlyOnceEveryInSyncReplicaHoldsTheRecordAndAllLogsEndUpEqual() throws Exception {
        int leader = cluster.partition(1, TP).leaderId();
        int n = 300;
        try (KafkaProducer<String, String> producer = producer("all")) {
            for (int i = 0; i < n; i++) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)).get();
                for (int id = 1; id <= 3; id++) {
                    assertTrue(cluster.partition(id, TP).log().logEndOffset() > sent.offset(),
                            "record " + sent.offset() + " acknowledged before broker " + id + " held it");
                }
                assertTrue(cluster.partition(leader, TP).highWatermark() > sent.offset());
            }
        }
        ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.partition(id, TP).highWatermark() == n),
                WAIT_MS, "every replica's high watermark at the log end");
        assertSameLogs(1, 2, 3);
        assertEquals(n, ThreeNodeCluster.batches(cluster.partition(leader, TP).log()).size());
        assertEquals(values(0, n), consumeAll(n));

        // Records deleted on the leader go from the followers too.
        try (Admin admin = cluster.admin()) {
            admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(100))).all().get();
        }
        ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.partition(id, TP).log().logStartOffset() == 100),
                WAIT_MS, "every replica's log start at 100");
    }

    @Test
    void aFollowerShutDownLeavesTheIsrAndRejoinsItOnceCaughtUpAfterRestart() throws Exception {
        int leader = cluster.partition(1, TP).leaderId();
        try (KafkaProducer<String, String> producer = producer("all")) {
            produce(producer, 0, 50);
        }
        int stopped = followerOtherThanActiveController(leader);
        int running = 6 - leader - stopped;
        // A controlled shutdown: the controller takes the follower out of the ISR before it stops.
        cluster.stop(stopped);
        Partition leaderPartition = cluster.partition(leader, TP);
        ThreeNodeCluster.await(() -> !leaderPartition.state().isr().contains(stopped), WAIT_MS,
                "the stopped follower out of the ISR");
        ThreeNodeCluster.await(() -> cluster.meters(leader).get("sluice.isr.shrinks").counter().count() >= 1, WAIT_MS,
                "the leader counting the ISR shrink");
        // Images that reach a closing broker must not start fetchers again: none of its fetcher threads outlives it.
        ThreeNodeCluster.await(() -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .noneMatch(n -> n.startsWith("sluice-replica-fetcher-") && n.endsWith("-on-" + stopped)), WAIT_MS,
                "no fetcher thread of the stopped broker left");
        // Two in-sync replicas meet min.insync.replicas=2: acks=all goes on, and the high watermark with it.
        try (KafkaProducer<String, String> producer = producer("all")) {
            produce(producer, 50, 120);
        }
        ThreeNodeCluster.await(() -> leaderPartition.highWatermark() == 120, WAIT_MS, "the high watermark at 120");
        assertEquals(120, cluster.partition(running, TP).log().logEndOffset());
        assertEquals(values(0, 120), consumeAll(120));

        // Restarted on its data, it catches up and the leader asks the controller (AlterPartition) to take it back.
        cluster.restart(stopped);
        ThreeNodeCluster.await(() -> cluster.hosts(stopped, TP) && cluster.partition(stopped, TP).log().logEndOffset() == 120,
                WAIT_MS, "the restarted follower caught up");
        ThreeNodeCluster.await(() -> leaderPartition.state().isr().contains(stopped), WAIT_MS,
                "the restarted follower back in the ISR");
        ThreeNodeCluster.await(() -> cluster.meters(leader).get("sluice.isr.expands").counter().count() >= 1, WAIT_MS,
                "the leader counting the ISR expansion");
        assertSameLogs(1, 2, 3);
        assertEquals(values(0, 120), consumeAll(120));
    }

    @Test
    void aFollowerWithADivergentTailTruncatesItAndCopiesTheLeader() throws Exception {
        int oldLeader = cluster.partition(1, TP).leaderId();
        try (KafkaProducer<String, String> producer = producer("all")) {
            produce(producer, 0, 40);
        }
        int diverged = followerOtherThanActiveController(oldLeader);
        int newLeader = 6 - oldLeader - diverged;
        int epoch = cluster.partition(diverged, TP).leaderEpoch();
        Path logDir = cluster.partition(diverged, TP).log().directory();
        cluster.stop(diverged);
        // While it is down, give the follower a tail the leader never had: written in the old epoch.
        try (PartitionLog log = PartitionLog.open(logDir, TP, LogConfig.defaults(), true, Clock.systemUTC())) {
            for (int i = 0; i < 5; i++) {
                log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("stray" + i).getBytes())), epoch, true);
            }
            assertEquals(45, log.logEndOffset());
        }
        moveLeadership(newLeader);
        ThreeNodeCluster.await(() -> cluster.partition(newLeader, TP).isLeader(newLeader)
                && cluster.partition(oldLeader, TP).leaderId() == newLeader, WAIT_MS, "the new leader in every image");
        try (KafkaProducer<String, String> producer = producer("1")) {
            produce(producer, 40, 60);
        }
        cluster.restart(diverged);
        ThreeNodeCluster.await(() -> cluster.hosts(diverged, TP)
                        && cluster.partition(diverged, TP).log().logEndOffset() == 60
                        && cluster.partition(oldLeader, TP).log().logEndOffset() == 60,
                WAIT_MS, "both followers at the new leader's log end");
        assertSameLogs(1, 2, 3);
        ThreeNodeCluster.await(() -> cluster.partition(newLeader, TP).highWatermark() == 60, WAIT_MS,
                "the high watermark at the log end");
        assertEquals(values(0, 60), consumeAll(60));
    }

    @Test
    void partitionsAreSpreadOverNumReplicaFetchersThreadsPerSourceBroker() throws Exception {
        String topic = "spread";
        int partitions = 6;
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 3))).all().get();
        }
        List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(i -> new TopicPartition(topic, i)).toList();
        ThreeNodeCluster.await(() -> tps.stream().allMatch(tp -> IntStream.rangeClosed(1, 3)
                .allMatch(id -> cluster.hosts(id, tp) && cluster.partition(id, tp).leaderId() >= 0)), WAIT_MS, "all partitions placed");
        try (KafkaProducer<String, String> producer = producer("all")) {
            for (int i = 0; i < 60; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i)).get();
            }
        }
        Set<String> expected = new TreeSet<>();
        for (TopicPartition tp : tps) {
            int leader = cluster.partition(1, tp).leaderId();
            ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.partition(id, tp).highWatermark() == 10),
                    WAIT_MS, "every replica of " + tp + " at 10");
            assertEquals(ThreeNodeCluster.batches(cluster.partition(leader, tp).log()),
                    ThreeNodeCluster.batches(cluster.partition(leader % 3 + 1, tp).log()));
        }
        // One thread per (follower, source leader, fetcher index) in use, for this topic and the one of every test.
        for (TopicPartition tp : concat(tps, TP)) {
            int leader = cluster.partition(1, tp).leaderId();
            for (int id = 1; id <= 3; id++) {
                if (id != leader) {
                    expected.add(ReplicaFetcher.threadName(id, leader, ReplicaFetcherManager.fetcherIndex(tp, FETCHERS)));
                }
            }
        }
        Set<String> running = new TreeSet<>();
        Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("sluice-replica-fetcher-")).forEach(running::add);
        assertEquals(expected, running);
        assertTrue(expected.stream().anyMatch(n -> n.startsWith("sluice-replica-fetcher-1-")), "both fetcher indexes used");
    }

    /** What the controller would write on a leader election: a partition change naming the new leader. */
    private void moveLeadership(int newLeader) throws Exception {
        var image = cluster.activeController().parts().backend().image();
        Uuid topicId = image.topic(TOPIC).orElseThrow().id();
        PartitionImage current = image.topic(TOPIC).orElseThrow().partitions().get(0);
        assertTrue(current.isr().contains(newLeader));
        cluster.activeController().parts().backend().write(List.of(MetadataRecord.newBuilder()
                .setPartitionChange(PartitionChangeRecord.newBuilder().setTopicId(ProtoIds.toProto(topicId))
                        .setPartition(0).setLeader(newLeader)).build())).get();
    }

    /** A follower of the partition that does not run the active controller, so stopping it keeps the quorum's leader. */
    private int followerOtherThanActiveController(int leader) {
        int controller = cluster.activeController().nodeId();
        return IntStream.rangeClosed(1, 3).filter(id -> id != leader && id != controller).findFirst().orElseThrow();
    }

    private void assertSameLogs(int... ids) {
        List<String> first = ThreeNodeCluster.batches(cluster.partition(ids[0], TP).log());
        for (int id : ids) {
            assertEquals(first, ThreeNodeCluster.batches(cluster.partition(id, TP).log()), "log of broker " + id);
        }
    }

    private static List<TopicPartition> concat(List<TopicPartition> tps, TopicPartition more) {
        List<TopicPartition> all = new ArrayList<>(tps);
        all.add(more);
        return all;
    }

    private static List<String> values(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "v" + i).toList();
    }

    private static void produce(KafkaProducer<String, String> producer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)).get();
        }
    }

    private KafkaProducer<String, String> producer(String acks) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Reads from the beginning until the partition's end offset (its high watermark), which must be expected. */
    private List<String> consumeAll(int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(Set.of(TP));
            consumer.seekToBeginning(Set.of(TP));
            assertEquals(expected, consumer.endOffsets(Set.of(TP)).get(TP));
            return PolledValues.poll(consumer, expected, WAIT_MS);
        }
    }
}
