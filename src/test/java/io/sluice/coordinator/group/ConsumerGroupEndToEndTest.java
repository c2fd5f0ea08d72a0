package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kafka-clients consumers and admin against an in-JVM broker: groups, rebalances, committed offsets. */
class ConsumerGroupEndToEndTest {
    @TempDir
    Path data;
    private TestBroker broker;

    @BeforeEach
    void start() {
        // A small offsets topic keeps the test quick; short session timeouts let a dead member expire fast.
        broker = new TestBroker(data, Map.of("offsets.topic.num.partitions", "5",
                "group.min.session.timeout.ms", "500")).start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void twoConsumersShareTheTopicAndTheSurvivorTakesOverWhenOneLeaves(Class<?> assignor) throws Exception {
        createTopic("shared", 4);
        String group = "g-" + assignor.getSimpleName();
        List<Set<TopicPartition>> assignments = List.of(ConcurrentHashMap.newKeySet(), ConcurrentHashMap.newKeySet());
        List<List<String>> received = List.of(Collections.synchronizedList(new ArrayList<>()),
                Collections.synchronizedList(new ArrayList<>()));
        List<AtomicBoolean> stop = List.of(new AtomicBoolean(), new AtomicBoolean());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int idx = i;
            Thread t = new Thread(() -> {
                try (KafkaConsumer<String, String> c = consumer(group,
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName())) {
                    c.subscribe(List.of("shared"));
                    while (!stop.get(idx).get()) {
                        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                            received.get(idx).add(r.partition() + "/" + r.offset());
                        }
                        try {
                            c.commitSync();
                        } catch (org.apache.kafka.common.errors.RebalanceInProgressException e) {
                            // cooperative rebalancing: commit again after the next poll, as applications do
                        }
                        Set<TopicPartition> now = c.assignment();
                        assignments.get(idx).retainAll(now);
                        assignments.get(idx).addAll(now);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        try {
            Set<TopicPartition> all = partitions("shared", 4);
            waitUntil("disjoint non-empty assignments covering the topic", () -> {
                Set<TopicPartition> a0 = Set.copyOf(assignments.get(0)), a1 = Set.copyOf(assignments.get(1));
                Set<TopicPartition> union = new HashSet<>(a0);
                union.addAll(a1);
                return failure.get() == null && !a0.isEmpty() && !a1.isEmpty() && Collections.disjoint(a0, a1)
                        && union.equals(all);
            }, failure);
            produce("shared", 40);
            waitUntil("all 40 records", () -> received.get(0).size() + received.get(1).size() >= 40, failure);
            List<String> union = new ArrayList<>(received.get(0));
            union.addAll(received.get(1));
            assertEquals(40, union.size(), "each record exactly once");
            assertEquals(40, new HashSet<>(union).size());
            assertFalse(received.get(0).isEmpty());
            assertFalse(received.get(1).isEmpty());

            stop.get(1).set(true); // consumer 1 closes and leaves the group
            threads.get(1).join(30_000);
            waitUntil("the remaining consumer owning every partition", () -> assignments.get(0).equals(all), failure);
            produce("shared", 8);
            waitUntil("new records reach the survivor", () -> received.get(0).size() + received.get(1).size() >= 48, failure);
            assertEquals(48, new HashSet<>(concat(received)).size());
        } finally {
            stop.forEach(s -> s.set(true));
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
        assertNull(failure.get(), () -> "consumer failed: " + failure.get());
    }

    @Test
    void committedOffsetsWithMetadataSurviveConsumerAndBrokerRestarts() throws Exception {
        createTopic("orders", 1);
        produce("orders", 100);
        TopicPartition tp = new TopicPartition("orders", 0);
        try (KafkaConsumer<String, String> c = consumer("keeper", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10")) {
            c.subscribe(List.of("orders"));
            List<ConsumerRecord<String, String>> got = pollAtLeast(c, 50);
            assertEquals(0, got.get(0).offset());
            c.commitSync(Map.of(tp, new OffsetAndMetadata(50, "checkpoint-1")));
            assertEquals(50, c.committed(Set.of(tp)).get(tp).offset());
        }
        try (KafkaConsumer<String, String> c = consumer("keeper")) {
            OffsetAndMetadata committed = c.committed(Set.of(tp)).get(tp);
            assertEquals(50, committed.offset());
            assertEquals("checkpoint-1", committed.metadata());
        }
        // Another group is independent: it reads everything from the start.
        try (KafkaConsumer<String, String> c = consumer("other")) {
            c.subscribe(List.of("orders"));
            List<ConsumerRecord<String, String>> got = pollAtLeast(c, 100);
            assertEquals(100, got.size());
            assertEquals(100, got.stream().map(ConsumerRecord::offset).distinct().count());
        }

        broker.stop();
        broker.start();

        try (KafkaConsumer<String, String> c = consumer("keeper")) {
            OffsetAndMetadata committed = c.committed(Set.of(tp)).get(tp);
            assertNotNull(committed, "offset lost in the broker restart");
            assertEquals(50, committed.offset());
            assertEquals("checkpoint-1", committed.metadata());
            c.subscribe(List.of("orders"));
            List<ConsumerRecord<String, String>> got = pollAtLeast(c, 50);
            assertEquals(50, got.get(0).offset(), "resumes at the committed offset");
            assertEquals(50, got.size());
        }
        try (Admin admin = admin()) {
            Set<String> ids = new HashSet<>();
            admin.listGroups().all().get().forEach(g -> ids.add(g.groupId()));
            assertTrue(ids.containsAll(Set.of("keeper", "other")), "groups after restart: " + ids);
        }
    }

    @Test
    void adminListsDescribesAltersAndDeletesGroups() throws Exception {
        createTopic("admin-t", 2);
        produce("admin-t", 20);
        TopicPartition tp0 = new TopicPartition("admin-t", 0), tp1 = new TopicPartition("admin-t", 1);
        try (Admin admin = admin();
             KafkaConsumer<String, String> c = consumer("admin-g", ConsumerConfig.CLIENT_ID_CONFIG, "admin-client")) {
            c.subscribe(List.of("admin-t"));
            pollAtLeast(c, 20);
            c.commitSync(Map.of(tp0, new OffsetAndMetadata(3), tp1, new OffsetAndMetadata(4, "m")));
            waitUntil("a Stable group with one member", () -> {
                c.poll(Duration.ofMillis(20));
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("admin-g")).all().get().get("admin-g");
                return d.groupState() == GroupState.STABLE && d.members().size() == 1;
            }, null);
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("admin-g")).all().get().get("admin-g");
            MemberDescription m = d.members().iterator().next();
            assertEquals(Set.of(tp0, tp1), m.assignment().topicPartitions());
            assertEquals("admin-client", m.clientId());
            assertEquals("range", d.partitionAssignor());
            assertFalse(d.isSimpleConsumerGroup());
            assertTrue(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .map(GroupListing::groupId).anyMatch("admin-g"::equals));
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("admin-g")
                    .partitionsToOffsetAndMetadata().get();
            assertEquals(3, offsets.get(tp0).offset());
            assertEquals("m", offsets.get(tp1).metadata());

            ExecutionException nonEmpty = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("admin-g")).all().get());
            assertInstanceOf(GroupNotEmptyException.class, nonEmpty.getCause());

            c.unsubscribe(); // leaves the group
            waitUntil("the group to become Empty", () -> admin.describeConsumerGroups(List.of("admin-g")).all().get()
                    .get("admin-g").groupState() == GroupState.EMPTY, null);
            admin.alterConsumerGroupOffsets("admin-g", Map.of(tp0, new OffsetAndMetadata(9))).all().get();
            assertEquals(9, admin.listConsumerGroupOffsets("admin-g").partitionsToOffsetAndMetadata().get().get(tp0).offset());
            admin.deleteConsumerGroupOffsets("admin-g", Set.of(tp1)).all().get();
            assertNull(admin.listConsumerGroupOffsets("admin-g").partitionsToOffsetAndMetadata().get().get(tp1));

            admin.deleteConsumerGroups(List.of("admin-g")).all().get();
            assertTrue(admin.listGroups().all().get().stream().noneMatch(g -> g.groupId().equals("admin-g")));
            ExecutionException gone = assertThrows(ExecutionException.class,
                    () -> admin.deleteConsumerGroups(List.of("admin-g")).all().get());
            assertInstanceOf(GroupIdNotFoundException.class, gone.getCause());
        }
    }

    @Test
    void aMemberThatStopsHeartbeatingIsExpiredAndTheOthersRebalance() throws Exception {
        createTopic("deaths", 2);
        Set<TopicPartition> all = partitions("deaths", 2);
        // A static member does not send LeaveGroup on close, so only its session timeout removes it.
        KafkaConsumer<String, String> doomed = consumer("mortal", ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "doomed-1",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "1500", ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "300");
        try (KafkaConsumer<String, String> survivor = consumer("mortal",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000")) {
            doomed.subscribe(List.of("deaths"));
            survivor.subscribe(List.of("deaths"));
            waitUntil("both members assigned", () -> {
                doomed.poll(Duration.ofMillis(50));
                survivor.poll(Duration.ofMillis(50));
                return !doomed.assignment().isEmpty() && !survivor.assignment().isEmpty();
            }, null);
            doomed.close(Duration.ZERO);
            waitUntil("the survivor owning both partitions after the session timeout", () -> {
                survivor.poll(Duration.ofMillis(100));
                return survivor.assignment().equals(all);
            }, null);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<String> concat(List<List<String>> lists) {
        List<String> out = new ArrayList<>();
        lists.forEach(out::addAll);
        return out;
    }

    static void waitUntil(String what, ThrowingCondition condition, AtomicReference<Throwable> failure) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (System.nanoTime() < deadline) {
            if (failure != null && failure.get() != null) {
                throw new AssertionError("while waiting for " + what, failure.get());
            }
            if (condition.get()) {
                return;
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    interface ThrowingCondition {
        boolean get() throws Exception;
    }

    private static Set<TopicPartition> partitions(String topic, int n) {
        Set<TopicPartition> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            out.add(new TopicPartition(topic, i));
        }
        return out;
    }

    private List<ConsumerRecord<String, String>> pollAtLeast(KafkaConsumer<String, String> c, int n) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (out.size() < n && System.currentTimeMillis() < deadline) {
            c.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        assertTrue(out.size() >= n, "got only " + out.size() + " of " + n + " records");
        return out;
    }

    private Admin admin() {
        return Admin.create(broker.clientProps());
    }

    private void createTopic(String name, int partitions) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        }
    }

    private void produce(String topic, int count) throws Exception {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    KafkaConsumer<String, String> consumer(String group, String... kv) {
        Properties p = broker.clientProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
