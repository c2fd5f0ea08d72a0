package io.sluice.coordinator.group;

import static io.sluice.coordinator.group.ConsumerGroupEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.RawKafkaClient;
import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KIP-848 consumer groups driven by real kafka-clients consumers with group.protocol=consumer. */
class ConsumerProtocolEndToEndTest {
    @TempDir
    Path data;
    private TestBroker broker;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<PollingConsumer> consumers = new ArrayList<>();

    @BeforeEach
    void start() {
        // Short heartbeats and sessions so rebalances and expiry happen within a test's patience.
        broker = new TestBroker(data, Map.of("offsets.topic.num.partitions", "3",
                "group.consumer.heartbeat.interval.ms", "200",
                "group.consumer.session.timeout.ms", "3000")).start();
    }

    @AfterEach
    void stop() throws Exception {
        for (PollingConsumer c : consumers) {
            c.close();
        }
        broker.close();
    }

    @Test
    void twoConsumersSplitTheTopicAndTheSurvivorTakesOverWhenOneLeaves() throws Exception {
        createTopic("t848", 4);
        PollingConsumer a = poll("g848");
        PollingConsumer b = poll("g848");
        Set<TopicPartition> all = partitions("t848", 4);
        waitUntil("disjoint non-empty assignments covering the topic", () -> {
            Set<TopicPartition> union = new HashSet<>(a.assignment);
            union.addAll(b.assignment);
            return !a.assignment.isEmpty() && !b.assignment.isEmpty() && union.equals(all)
                    && a.assignment.size() + b.assignment.size() == 4;
        }, failure);
        produce("t848", 40, 0);
        waitUntil("all 40 records", () -> a.received.size() + b.received.size() >= 40, failure);
        assertOnce(40, a, b);
        assertFalse(a.received.isEmpty() || b.received.isEmpty(), "both consumers got records");

        b.close();
        consumers.remove(b);
        waitUntil("the remaining consumer owning every partition", () -> a.assignment.equals(all), failure);
        produce("t848", 8, 40);
        waitUntil("new records reach the survivor", () -> a.received.size() + b.received.size() >= 48, failure);
        assertOnce(48, a, b);
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAndItsPartitionsMove() throws Exception {
        createTopic("t-dying", 2);
        // A member that joins and then falls silent, as a crashed process would.
        try (RawKafkaClient raw = coordinatorConnection("g-dying")) {
            ConsumerGroupHeartbeatResponse joined = raw.send(join("g-dying", Uuid.randomUuid().toString(), "t-dying"));
            assertEquals(Errors.NONE.code(), joined.data().errorCode(), joined.data().errorMessage());
            assertEquals(2, joined.data().assignment().topicPartitions().get(0).partitions().size());
        }
        PollingConsumer a = poll("g-dying");
        Set<TopicPartition> all = partitions("t-dying", 2);
        waitUntil("the live member owning both partitions once the silent one's session expired",
                () -> a.assignment.equals(all), failure);
        try (Admin admin = admin()) {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g-dying")).all().get().get("g-dying");
            assertEquals(1, d.members().size());
        }
    }

    @Test
    void adminDescribesAConsumerGroupWithTypeMembersAndAssignments() throws Exception {
        createTopic("t-admin", 3);
        PollingConsumer a = poll("g-admin");
        waitUntil("an assignment", () -> a.assignment.size() == 3, failure);
        try (Admin admin = admin()) {
            waitUntil("a Stable consumer group with one member owning all partitions", () -> {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g-admin")).all().get().get("g-admin");
                return d.type() == GroupType.CONSUMER && d.groupState() == org.apache.kafka.common.GroupState.STABLE
                        && d.members().size() == 1
                        && d.members().iterator().next().assignment().topicPartitions().equals(partitions("t-admin", 3));
            }, failure);
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("g-admin")).all().get().get("g-admin");
            MemberDescription m = d.members().iterator().next();
            assertTrue(m.memberEpoch().orElse(0) > 0, "member epoch " + m.memberEpoch());
            assertEquals(partitions("t-admin", 3), m.targetAssignment().orElseThrow().topicPartitions());
            Map<String, GroupType> types = new java.util.HashMap<>();
            for (GroupListing g : admin.listGroups().all().get()) {
                types.put(g.groupId(), g.type().orElse(GroupType.UNKNOWN));
            }
            assertEquals(GroupType.CONSUMER, types.get("g-admin"));
        }
    }

    @Test
    void theGroupAndItsCommitsSurviveABrokerRestart() throws Exception {
        createTopic("t-restart", 2);
        produce("t-restart", 10, 0);
        String memberId = Uuid.randomUuid().toString();
        int epoch;
        try (RawKafkaClient raw = coordinatorConnection("g-restart")) {
            ConsumerGroupHeartbeatResponse joined = raw.send(join("g-restart", memberId, "t-restart"));
            assertEquals(Errors.NONE.code(), joined.data().errorCode(), joined.data().errorMessage());
            epoch = joined.data().memberEpoch();
        }
        try (KafkaConsumer<String, String> c = consumer("g-restart-offsets")) {
            c.subscribe(List.of("t-restart"));
            int got = 0;
            long deadline = System.currentTimeMillis() + 30_000;
            while (got < 10 && System.currentTimeMillis() < deadline) {
                got += c.poll(Duration.ofMillis(100)).count();
            }
            assertEquals(10, got);
            c.commitSync();
        }
        broker.stop();
        broker.start();
        try (RawKafkaClient raw = coordinatorConnection("g-restart")) {
            // The member's epoch is still known: a plain heartbeat at that epoch is accepted.
            ConsumerGroupHeartbeatResponse again = raw.send(new ConsumerGroupHeartbeatRequest.Builder(
                    new ConsumerGroupHeartbeatRequestData().setGroupId("g-restart").setMemberId(memberId)
                            .setMemberEpoch(epoch)).build((short) 1));
            assertEquals(Errors.NONE.code(), again.data().errorCode(), again.data().errorMessage());
            assertTrue(again.data().memberEpoch() >= epoch);
        }
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("g-restart-offsets")
                    .partitionsToOffsetAndMetadata().get();
            assertEquals(10, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
        }
        try (KafkaConsumer<String, String> c = consumer("g-restart-offsets")) {
            c.subscribe(List.of("t-restart"));
            produce("t-restart", 1, 10);
            List<String> got = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(r -> got.add(r.value()));
            }
            assertEquals(List.of("v10"), got, "resumed after the committed offsets");
        }
    }

    @Test
    void anEmptiedConsumerGroupCanBeJoinedByClassicConsumersAndKeepsItsOffsets() throws Exception {
        createTopic("t-switch", 1);
        produce("t-switch", 3, 0);
        PollingConsumer kip848 = poll("g-switch");
        waitUntil("the KIP-848 consumer to read and commit 3 records", () -> kip848.received.size() == 3, failure);
        kip848.close();
        consumers.remove(kip848);
        produce("t-switch", 1, 3);
        Properties p = broker.clientProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-switch");
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> classic = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            classic.subscribe(List.of("t-switch"));
            List<String> got = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                classic.poll(Duration.ofMillis(100)).forEach(r -> got.add(r.value()));
            }
            assertEquals(List.of("v3"), got, "the classic consumer resumed from the KIP-848 commits");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertOnce(int n, PollingConsumer... cs) {
        List<String> all = new ArrayList<>();
        for (PollingConsumer c : cs) {
            all.addAll(c.received);
        }
        assertEquals(n, all.size(), "records delivered: " + all);
        assertEquals(n, new HashSet<>(all).size(), "a record delivered twice: " + all);
    }

    private static ConsumerGroupHeartbeatRequest join(String group, String memberId, String topic) {
        return new ConsumerGroupHeartbeatRequest.Builder(new ConsumerGroupHeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of(topic)).setTopicPartitions(List.of())).build((short) 1);
    }

    /** A raw connection to the group's coordinator (one broker here, but the offsets topic must exist first). */
    private RawKafkaClient coordinatorConnection(String group) throws Exception {
        RawKafkaClient raw = new RawKafkaClient("127.0.0.1", broker.port());
        raw.awaitGroupCoordinatorLoaded(group, Duration.ofSeconds(30));
        return raw;
    }

    private PollingConsumer poll(String group) {
        PollingConsumer c = new PollingConsumer(consumer(group), List.of(topicOf(group)), failure);
        consumers.add(c);
        return c;
    }

    private static String topicOf(String group) {
        return switch (group) {
            case "g848" -> "t848";
            case "g-dying" -> "t-dying";
            case "g-switch" -> "t-switch";
            default -> "t-admin";
        };
    }

    KafkaConsumer<String, String> consumer(String group) {
        Properties p = broker.clientProps();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static Set<TopicPartition> partitions(String topic, int n) {
        Set<TopicPartition> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            out.add(new TopicPartition(topic, i));
        }
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

    private void produce(String topic, int count, int first) throws Exception {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = first; i < first + count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }
}
