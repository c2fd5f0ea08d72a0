package io.sluice.coordinator.txn;

import io.sluice.testing.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions (KIP-98) end to end with real kafka-clients: commit, abort, LSO, fencing, offsets, timeouts, restart. */
class TransactionsEndToEndTest {
    @TempDir
    Path dir;
    TestBroker broker;
    Admin admin;

    @BeforeEach
    void start() {
        broker = new TestBroker(dir, Map.of("transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1", "transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "transaction.max.timeout.ms", "60000",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200")).start();
        admin = Admin.create(broker.clientProps());
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    private String topic() throws Exception {
        String t = "t-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
        return t;
    }

    private KafkaProducer<String, String> producer(String txnId, int timeoutMs) {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private KafkaConsumer<String, String> consumer(String group, IsolationLevel isolation) {
        Properties p = broker.clientProps();
        if (group != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static void send(KafkaProducer<String, String> p, String topic, String prefix, int from, int to) {
        for (int i = from; i < to; i++) p.send(new ProducerRecord<>(topic, 0, "k", prefix + i));
    }

    /** Everything readable from the beginning until the position reaches the end offset or the deadline passes. */
    private static List<String> readAll(KafkaConsumer<String, String> c, TopicPartition tp) {
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        long end = c.endOffsets(List.of(tp)).get(tp);
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (c.position(tp) < end && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) out.add(r.value());
        }
        return out;
    }

    private static List<String> seq(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(prefix + i);
        return out;
    }

    @Test
    void readCommittedSkipsAbortedRecordsAndReadUncommittedSeesThem() throws Exception {
        String t = topic();
        TopicPartition tp = new TopicPartition(t, 0);
        try (KafkaProducer<String, String> p = producer("tx-" + t, 30_000)) {
            p.initTransactions();
            p.beginTransaction(); send(p, t, "c", 0, 5); p.commitTransaction();
            p.beginTransaction(); send(p, t, "a", 0, 5); p.flush(); p.abortTransaction();
            p.beginTransaction(); send(p, t, "c", 5, 10); p.commitTransaction();
        }
        try (KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertEquals(18L, rc.endOffsets(List.of(tp)).get(tp), "15 records and 3 markers");
            assertEquals(seq("c", 0, 10), readAll(rc, tp));
        }
        try (KafkaConsumer<String, String> ru = consumer(null, IsolationLevel.READ_UNCOMMITTED)) {
            List<String> expected = new ArrayList<>(seq("c", 0, 5));
            expected.addAll(seq("a", 0, 5));
            expected.addAll(seq("c", 5, 10));
            assertEquals(expected, readAll(ru, tp));
        }
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffset() throws Exception {
        String t = topic();
        TopicPartition tp = new TopicPartition(t, 0);
        try (KafkaProducer<String, String> p = producer("tx-" + t, 30_000);
             KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED);
             KafkaConsumer<String, String> ru = consumer(null, IsolationLevel.READ_UNCOMMITTED)) {
            p.initTransactions();
            p.beginTransaction(); send(p, t, "c", 0, 2); p.commitTransaction();   // 0..1, marker 2
            p.beginTransaction(); send(p, t, "open", 0, 4); p.flush();            // 3..6
            assertEquals(7L, ru.endOffsets(List.of(tp)).get(tp));
            assertEquals(3L, rc.endOffsets(List.of(tp)).get(tp));
            assertEquals(3L, admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().get(tp).offset());
            assertEquals(seq("c", 0, 2), readAll(rc, tp));
            p.commitTransaction();
            assertEquals(8L, rc.endOffsets(List.of(tp)).get(tp));
            List<String> rest = new ArrayList<>();
            Await.until(() -> {
                rc.poll(Duration.ofMillis(100)).forEach(r -> rest.add(r.value()));
                return rest.size() >= 4;
            }, 20_000, "the committed records");
            assertEquals(seq("open", 0, 4), rest);
        }
    }

    @Test
    void offsetsSentToACommittedTransactionAreCommittedAndToAnAbortedOneAreNot() throws Exception {
        String in = topic(), out = topic(), group = "g-" + in;
        TopicPartition inTp = new TopicPartition(in, 0);
        try (KafkaConsumer<String, String> c = consumer(group, IsolationLevel.READ_COMMITTED);
             KafkaProducer<String, String> p = producer("tx-" + in, 30_000)) {
            p.initTransactions();
            c.subscribe(List.of(in));
            // Joined, not half way: a member id the coordinator has not admitted yet is UNKNOWN_MEMBER_ID to it.
            Await.until(() -> {
                c.poll(Duration.ofMillis(100));
                return !c.assignment().isEmpty();
            }, 20_000, "the consumer joined its group");
            p.beginTransaction();
            send(p, out, "x", 0, 3);
            p.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(7)), c.groupMetadata());
            p.abortTransaction();
            assertEquals(Map.of(), admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            p.beginTransaction();
            send(p, out, "y", 0, 3);
            p.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(20)), c.groupMetadata());
            p.commitTransaction();
        }
        assertEquals(20L, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(inTp).offset());
        try (KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertEquals(seq("y", 0, 3), readAll(rc, new TopicPartition(out, 0)));
        }
    }

    @Test
    void aNewInstanceFencesTheOldOneAndAbortsItsTransaction() throws Exception {
        String t = topic();
        TopicPartition tp = new TopicPartition(t, 0);
        try (KafkaProducer<String, String> old = producer("tx-" + t, 30_000)) {
            old.initTransactions();
            old.beginTransaction(); send(old, t, "zombie", 0, 3); old.flush();
            try (KafkaProducer<String, String> fresh = producer("tx-" + t, 30_000)) {
                fresh.initTransactions();
                fresh.beginTransaction(); send(fresh, t, "fresh", 0, 2); fresh.commitTransaction();
            }
            KafkaException e = assertThrows(KafkaException.class, old::commitTransaction);
            assertTrue(e instanceof ProducerFencedException || e.getCause() instanceof ProducerFencedException
                    || e.getMessage().contains("fenced"), e.toString());
        }
        try (KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertEquals(seq("fresh", 0, 2), readAll(rc, tp));
        }
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedByTheCoordinator() throws Exception {
        String t = topic();
        TopicPartition tp = new TopicPartition(t, 0);
        try (KafkaProducer<String, String> p = producer("tx-" + t, 1_000);
             KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED)) {
            p.initTransactions();
            p.beginTransaction(); send(p, t, "slow", 0, 3); p.flush();
            assertEquals(0L, rc.endOffsets(List.of(tp)).get(tp));
            Await.until(() -> rc.endOffsets(List.of(tp)).get(tp) == 4L, 20_000, "the abort marker");
            assertEquals(List.of(), readAll(rc, tp));
            assertThrows(KafkaException.class, p::commitTransaction);
        }
    }

    @Test
    void aTimeoutAboveTheMaximumIsRefused() {
        try (KafkaProducer<String, String> p = producer("tx-too-long", 120_000)) {
            KafkaException e = assertThrows(KafkaException.class, p::initTransactions);
            // The client reports INVALID_TRANSACTION_TIMEOUT as a fatal error carrying the error's own message.
            assertTrue(e instanceof InvalidTxnTimeoutException || e.getMessage().contains("transaction.max.timeout.ms"), e.toString());
        }
    }

    @Test
    void openAndAbortedTransactionsSurviveARestart() throws Exception {
        String t = topic();
        TopicPartition tp = new TopicPartition(t, 0);
        String txnId = "tx-" + t;
        KafkaProducer<String, String> p = producer(txnId, 60_000);
        p.initTransactions();
        p.beginTransaction(); send(p, t, "c", 0, 2); p.commitTransaction();   // 0..1, 2
        p.beginTransaction(); send(p, t, "a", 0, 2); p.flush(); p.abortTransaction(); // 3..4, 5
        p.beginTransaction(); send(p, t, "open", 0, 2); p.flush();            // 6..7, left open
        p.close(Duration.ZERO); // gone without ending its transaction
        admin.close();
        broker.stop();
        broker.start();
        admin = Admin.create(broker.clientProps());
        try (KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED)) {
            assertEquals(6L, rc.endOffsets(List.of(tp)).get(tp), "the open transaction still holds the LSO");
            assertEquals(seq("c", 0, 2), readAll(rc, tp));
        }
        try (KafkaProducer<String, String> again = producer(txnId, 60_000)) {
            again.initTransactions(); // aborts the transaction left open
            again.beginTransaction(); send(again, t, "d", 0, 1); again.commitTransaction();
        }
        try (KafkaConsumer<String, String> rc = consumer(null, IsolationLevel.READ_COMMITTED)) {
            List<String> expected = new ArrayList<>(seq("c", 0, 2));
            expected.addAll(seq("d", 0, 1));
            assertEquals(expected, readAll(rc, tp));
        }
    }

    @Test
    void transactionalOffsetsAreResolvedByTheirMarkersWhenTheCoordinatorReloads() throws Exception {
        String in = topic(), group = "g-" + in, txnId = "tx-" + in;
        TopicPartition inTp = new TopicPartition(in, 0);
        ConsumerGroupMetadata simple = new ConsumerGroupMetadata(group);
        KafkaProducer<String, String> p = producer(txnId, 60_000);
        p.initTransactions();
        p.beginTransaction(); p.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(5)), simple); p.commitTransaction();
        p.beginTransaction(); p.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(9)), simple); p.abortTransaction();
        p.beginTransaction(); p.sendOffsetsToTransaction(Map.of(inTp, new OffsetAndMetadata(12)), simple);
        assertEquals(5L, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(inTp).offset(),
                "an open transaction's offsets are not visible");
        try (KafkaConsumer<String, String> rc = consumer(group, IsolationLevel.READ_COMMITTED)) {
            // Consumers require stable offsets (KIP-447) and keep retrying while one is pending; the admin call
            // above does not, and got the committed offset.
            assertThrows(org.apache.kafka.common.errors.TimeoutException.class,
                    () -> rc.committed(java.util.Set.of(inTp), Duration.ofMillis(1_500)));
        }
        p.close(Duration.ZERO); // gone with its transaction open
        admin.close();
        broker.stop();
        broker.start();
        admin = Admin.create(broker.clientProps());
        assertEquals(5L, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(inTp).offset(),
                "after reload: committed kept, aborted dropped, open still pending");
        try (KafkaProducer<String, String> again = producer(txnId, 60_000)) {
            again.initTransactions(); // aborts the open transaction and its offsets
        }
        assertEquals(5L, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(inTp).offset());
    }

    @Test
    void describeAndListTransactionsShowTheCoordinatorsView() throws Exception {
        String t = topic(), id = "tx-" + t;
        TopicPartition tp = new TopicPartition(t, 0);
        try (KafkaProducer<String, String> p = producer(id, 30_000)) {
            p.initTransactions();
            p.beginTransaction(); send(p, t, "x", 0, 1); p.flush();
            TransactionDescription open = admin.describeTransactions(List.of(id)).description(id).get();
            assertEquals(TransactionState.ONGOING, open.state());
            assertEquals(java.util.Set.of(tp), open.topicPartitions());
            assertEquals(30_000, open.transactionTimeoutMs());
            assertTrue(open.transactionStartTimeMs().isPresent());
            var producers = admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers();
            assertTrue(producers.stream().anyMatch(ps -> ps.producerId() == open.producerId()
                    && ps.currentTransactionStartOffset().equals(java.util.OptionalLong.of(0))), producers.toString());
            assertTrue(admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                    .all().get().stream().anyMatch(l -> l.transactionalId().equals(id) && l.producerId() == open.producerId()));
            p.commitTransaction();
            TransactionDescription done = admin.describeTransactions(List.of(id)).description(id).get();
            assertEquals(TransactionState.COMPLETE_COMMIT, done.state());
            assertEquals(java.util.Set.of(), done.topicPartitions());
            assertTrue(admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers().stream()
                    .allMatch(ps -> ps.currentTransactionStartOffset().isEmpty()), "no open transaction after the commit");
            assertTrue(admin.listTransactions(new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING)))
                    .all().get().stream().noneMatch(l -> l.transactionalId().equals(id)));
        }
        java.util.concurrent.ExecutionException missing = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> admin.describeTransactions(List.of("no-such-id")).description("no-such-id").get());
        assertTrue(missing.getCause() instanceof TransactionalIdNotFoundException, missing.toString());
    }
}
