package io.sluice.log;

import io.sluice.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * producer.id.expiration.ms (KIP-854) with real kafka-clients: an idle idempotent producer leaves DescribeProducers,
 * stays gone after a restart, and writes exactly once when it comes back; one with an open transaction stays.
 */
class ProducerIdExpiryTest {
    @TempDir
    Path dir;

    private static Map<String, String> config(boolean expireFast) {
        Map<String, String> c = new HashMap<>(Map.of("transaction.state.log.num.partitions", "1",
                "transaction.max.timeout.ms", "60000"));
        if (expireFast) {
            c.put("producer.id.expiration.ms", "1500");
            c.put("producer.id.expiration.check.interval.ms", "100");
        }
        return c;
    }

    private static TopicPartition topic(Admin admin) throws Exception {
        String t = "t-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
        return new TopicPartition(t, 0);
    }

    private static KafkaProducer<String, String> producer(TestBroker broker, String txnId) {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        if (txnId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60000);
        }
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> p, TopicPartition tp, int from, int to) throws Exception {
        for (int i = from; i < to; i++) p.send(new ProducerRecord<>(tp.topic(), tp.partition(), "k", "v" + i)).get();
    }

    private static List<ProducerState> producers(Admin admin, TopicPartition tp) {
        try {
            return admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> readAll(TestBroker broker, TopicPartition tp) {
        Properties p = broker.clientProps();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<String> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (c.position(tp) < end) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("Timed out reading " + tp);
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
            }
            return out;
        }
    }

    private static List<String> values(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add("v" + i);
        return out;
    }

    @Test
    void expiredProducerComesBackAndWritesExactlyOnce() throws Exception {
        try (TestBroker broker = new TestBroker(dir, config(true)).start(); Admin admin = Admin.create(broker.clientProps());
             KafkaProducer<String, String> p = producer(broker, null)) {
            TopicPartition tp = topic(admin);
            send(p, tp, 0, 5);
            List<ProducerState> before = producers(admin, tp);
            assertEquals(1, before.size(), before.toString());
            long producerId = before.get(0).producerId();
            assertEquals(4, before.get(0).lastSequence());

            Await.until(() -> producers(admin, tp).isEmpty(), 30_000, "the producer to expire");
            // The client still holds its id and sequence 5: the partition takes it as a new producer.
            send(p, tp, 5, 10);
            List<ProducerState> after = producers(admin, tp);
            assertEquals(1, after.size(), after.toString());
            assertEquals(producerId, after.get(0).producerId());
            assertEquals(9, after.get(0).lastSequence());
            assertEquals(values(0, 10), readAll(broker, tp));
        }
    }

    @Test
    void expiryOutlivesRestart() throws Exception {
        TopicPartition tp;
        try (TestBroker broker = new TestBroker(dir, config(true)).start(); Admin admin = Admin.create(broker.clientProps());
             KafkaProducer<String, String> p = producer(broker, null)) {
            tp = topic(admin);
            send(p, tp, 0, 3);
            assertEquals(1, producers(admin, tp).size());
            Await.until(() -> producers(admin, tp).isEmpty(), 30_000, "the producer to expire");
        }
        // Restarted without fast expiry: only the snapshot written after the expiry keeps the producer away.
        try (TestBroker broker = new TestBroker(dir, config(false)).start(); Admin admin = Admin.create(broker.clientProps())) {
            Await.until(() -> {
                try {
                    admin.describeProducers(List.of(tp)).partitionResult(tp).get();
                    return true;
                } catch (Exception e) {
                    return false;
                }
            }, 30_000, "the partition to load");
            assertEquals(List.of(), producers(admin, tp));
            assertEquals(values(0, 3), readAll(broker, tp));
        }
    }

    @Test
    void producerWithOpenTransactionIsNotExpired() throws Exception {
        try (TestBroker broker = new TestBroker(dir, config(true)).start(); Admin admin = Admin.create(broker.clientProps());
             KafkaProducer<String, String> txn = producer(broker, "txn-" + UUID.randomUUID());
             KafkaProducer<String, String> idle = producer(broker, null)) {
            TopicPartition tp = topic(admin);
            txn.initTransactions();
            txn.beginTransaction();
            send(txn, tp, 0, 1);
            long txnProducerId = producers(admin, tp).get(0).producerId();
            // Written after the transaction's batch: once it has expired, so could the transaction's producer have.
            send(idle, tp, 1, 2);
            assertEquals(2, producers(admin, tp).size());

            Await.until(() -> producers(admin, tp).size() == 1, 30_000, "the idle producer to expire");
            ProducerState open = producers(admin, tp).get(0);
            assertEquals(txnProducerId, open.producerId());
            assertEquals(OptionalLong.of(0), open.currentTransactionStartOffset());

            txn.commitTransaction();
            assertTrue(producers(admin, tp).stream().allMatch(s -> s.currentTransactionStartOffset().isEmpty()));
            // Once committed, it idles like any other producer and expires too.
            Await.until(() -> producers(admin, tp).isEmpty(), 30_000, "the committed producer to expire");
        }
    }
}
