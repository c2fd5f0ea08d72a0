package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction over partitions led by three different brokers: the coordinator appends the markers of the
 * partitions it leads and sends WriteTxnMarkers to the leaders of the others, so every partition's last stable
 * offset moves past the transaction, read_committed consumers see exactly the committed records, and offsets sent to
 * the transaction (on a __consumer_offsets partition that may be led elsewhere) are committed with it.
 */
class CrossBrokerTransactionsTest {
    private static final String TOPIC = "spread";
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition(TOPIC, 0),
            new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));

    @TempDir
    Path dir;
    private ThreeNodeCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new ThreeNodeCluster(dir, Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "offsets.topic.replication.factor", "3")).start();
        try (Admin admin = cluster.admin()) {
            // Each partition led by another broker (the first replica is the preferred leader).
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(1, 2, 3), 1, List.of(2, 3, 1),
                    2, List.of(3, 1, 2))))).all().get(30, TimeUnit.SECONDS);
        }
        for (int p = 0; p < 3; p++) {
            int leader = p + 1;
            TopicPartition tp = PARTITIONS.get(p);
            ThreeNodeCluster.await(() -> cluster.hosts(leader, tp) && cluster.partition(leader, tp).isLeader(leader),
                    30_000, "broker " + leader + " leads " + tp);
        }
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void committedAndAbortedTransactionsReachEveryLeader() throws Exception {
        try (KafkaProducer<String, String> producer = transactionalProducer("spread-txn")) {
            producer.initTransactions();
            producer.beginTransaction();
            sendToEveryPartition(producer, "committed");
            producer.commitTransaction();

            producer.beginTransaction();
            sendToEveryPartition(producer, "aborted");
            producer.abortTransaction();

            producer.beginTransaction();
            sendToEveryPartition(producer, "with-offsets");
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition("elsewhere", 0), new OffsetAndMetadata(42)),
                    new org.apache.kafka.clients.consumer.ConsumerGroupMetadata("spread-group"));
            producer.commitTransaction();
        }

        try (Admin admin = cluster.admin()) {
            // Markers on every partition: the last stable offset is the log end (3 transactions, 3 markers).
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            PARTITIONS.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            ThreeNodeCluster.await(() -> {
                try {
                    var committed = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                            IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
                    return PARTITIONS.stream().allMatch(tp -> committed.get(tp).offset() == 6);
                } catch (Exception e) {
                    return false;
                }
            }, 30_000, "the last stable offset of every partition past all three transactions");
            assertEquals(42, admin.listConsumerGroupOffsets("spread-group").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition("elsewhere", 0)).offset());
        }

        for (TopicPartition tp : PARTITIONS) {
            assertEquals(List.of("committed-" + tp.partition(), "with-offsets-" + tp.partition()),
                    readCommitted(tp), "read_committed on " + tp);
        }
    }

    private KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static void sendToEveryPartition(KafkaProducer<String, String> producer, String prefix) throws Exception {
        for (TopicPartition tp : PARTITIONS) {
            producer.send(new ProducerRecord<>(TOPIC, tp.partition(), null, prefix + "-" + tp.partition()))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private List<String> readCommitted(TopicPartition tp) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
