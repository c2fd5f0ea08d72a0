package io.sluice.coordinator.txn;

import io.sluice.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * transactional.id.expiration.ms with real kafka-clients: an idle transactional id is removed by a tombstone in
 * __transaction_state (so a restart does not bring it back) and then starts afresh; an ongoing transaction's id stays.
 */
class TransactionalIdExpiryTest {
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    private static Map<String, String> config(boolean expireFast) {
        Map<String, String> c = new HashMap<>(Map.of("transaction.state.log.num.partitions", String.valueOf(PARTITIONS),
                "transaction.max.timeout.ms", "60000"));
        if (expireFast) {
            c.put("transactional.id.expiration.ms", "1500");
            c.put("transaction.remove.expired.transaction.cleanup.interval.ms", "100");
        }
        return c;
    }

    private static KafkaProducer<String, String> producer(TestBroker broker, String txnId) {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static String topic(Admin admin) throws Exception {
        String t = "t-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
        return t;
    }

    private static void commitOne(TestBroker broker, String txnId, String topic) {
        try (KafkaProducer<String, String> p = producer(broker, txnId)) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, 0, "k", "v"));
            p.commitTransaction();
        }
    }

    private static boolean listed(Admin admin, String txnId) {
        try {
            return admin.listTransactions().all().get().stream()
                    .map(TransactionListing::transactionalId).anyMatch(txnId::equals);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void idleIdExpiresStaysGoneAfterRestartAndStartsAfresh() throws Exception {
        String id = "expiring-" + UUID.randomUUID();
        long firstProducerId;
        try (TestBroker broker = new TestBroker(dir, config(true)).start(); Admin admin = Admin.create(broker.clientProps())) {
            commitOne(broker, id, topic(admin));
            TransactionDescription committed = admin.describeTransactions(List.of(id)).description(id).get();
            assertEquals(TransactionState.COMPLETE_COMMIT, committed.state());
            firstProducerId = committed.producerId();

            Await.until(() -> !listed(admin, id), 30_000, id + " to expire");
            ExecutionException gone = assertThrows(ExecutionException.class,
                    () -> admin.describeTransactions(List.of(id)).description(id).get());
            assertTrue(gone.getCause() instanceof TransactionalIdNotFoundException, gone.toString());
        }
        // Restarted without fast expiry: only the tombstone can keep the id away after the reload.
        try (TestBroker broker = new TestBroker(dir, config(false)).start(); Admin admin = Admin.create(broker.clientProps())) {
            Map<ByteBuffer, byte[]> stored = latestValues(broker);
            ByteBuffer key = ByteBuffer.wrap(TransactionRecordSerde.key(id));
            assertTrue(stored.containsKey(key), "the id was written to __transaction_state");
            assertNull(stored.get(key), "its newest record in __transaction_state is a tombstone");
            ExecutionException gone = assertThrows(ExecutionException.class,
                    () -> admin.describeTransactions(List.of(id)).description(id).get());
            assertTrue(gone.getCause() instanceof TransactionalIdNotFoundException, gone.toString());
            assertFalse(listed(admin, id));

            commitOne(broker, id, topic(admin));
            TransactionDescription fresh = admin.describeTransactions(List.of(id)).description(id).get();
            assertNotEquals(firstProducerId, fresh.producerId(), "a new producer id after expiry");
            assertEquals(0, fresh.producerEpoch());
        }
    }

    @Test
    void idWithOngoingTransactionNeverExpires() throws Exception {
        String ongoing = "ongoing-" + UUID.randomUUID();
        String idle = "idle-" + UUID.randomUUID();
        try (TestBroker broker = new TestBroker(dir, config(true)).start(); Admin admin = Admin.create(broker.clientProps());
             KafkaProducer<String, String> open = producer(broker, ongoing)) {
            String topic = topic(admin);
            open.initTransactions();
            open.beginTransaction();
            open.send(new ProducerRecord<>(topic, 0, "k", "open")).get();
            assertEquals(TransactionState.ONGOING, admin.describeTransactions(List.of(ongoing)).description(ongoing).get().state());
            // Updated after the ongoing transaction's last update: once it has expired, so could the ongoing one have.
            commitOne(broker, idle, topic);

            Await.until(() -> !listed(admin, idle), 30_000, idle + " to expire");
            TransactionDescription still = admin.describeTransactions(List.of(ongoing)).description(ongoing).get();
            assertEquals(TransactionState.ONGOING, still.state());
            assertEquals(Set.of(new TopicPartition(topic, 0)), still.topicPartitions());
            open.commitTransaction();
            assertEquals(TransactionState.COMPLETE_COMMIT,
                    admin.describeTransactions(List.of(ongoing)).description(ongoing).get().state());
        }
    }

    /** The newest value per key in every partition of __transaction_state (null for a tombstone). */
    private static Map<ByteBuffer, byte[]> latestValues(TestBroker broker) {
        Properties p = broker.clientProps();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) tps.add(new TopicPartition(TransactionCoordinator.TRANSACTION_STATE_TOPIC, i));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            Map<ByteBuffer, byte[]> out = new HashMap<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.currentTimeMillis() > deadline) throw new AssertionError("Timed out reading __transaction_state");
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) out.put(ByteBuffer.wrap(r.key()), r.value());
            }
            return out;
        }
    }
}
