package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.ClusterProcesses;
import io.sluice.testing.KafkaTools;
import io.sluice.testing.RawKafkaClient;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker failover with replicated data, on 3 controllers and 3 brokers as separate processes: the
 * seed's "3-broker Kafka Cluster" demo (step 7) in kraft mode, with Kafka's own kafka-topics tool
 * (TopicCommand), and a leader cut off with SIGSTOP. One cluster serves both tests; each leaves all
 * brokers running.
 */
class BrokerFailoverProcessTest {
    static final Duration START = Duration.ofSeconds(90);
    static final Duration WAIT = Duration.ofSeconds(45);
    /** "Partition: 0	Leader: 5	Replicas: 5,6,4	Isr: 5,6,4" in kafka-topics --describe. */
    static final Pattern DESCRIBED = Pattern.compile(
            "Partition: (\\d+)\\s+Leader: (-?\\d+|none)\\s+Replicas: ([\\d,]+)\\s+Isr: ([\\d,]*)");

    @TempDir
    static Path work;
    static ClusterProcesses cluster;

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                System.err.println(cluster.logTails());
            }
        }
    };

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterProcesses.kraft(work, 3, 3, Map.of(
                "controller.quorum.election.timeout.ms", "500",
                "controller.quorum.fetch.timeout.ms", "500",
                "broker.session.timeout.ms", "2000",
                "broker.heartbeat.interval.ms", "300",
                "replica.lag.time.max.ms", "5000",
                "leader.imbalance.check.interval.seconds", "2"));
        try {
            cluster.start(START);
        } catch (RuntimeException | InterruptedException e) {
            System.err.println(cluster.logTails());
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void allBrokersRun() {
        for (ClusterProcesses.Node b : cluster.brokers()) {
            assertTrue(b.process().isAlive() && !b.process().isFrozen(), b.process().name() + " is not running");
        }
    }

    /** One row of kafka-topics --describe. */
    record Described(int partition, int leader, List<Integer> replicas, List<Integer> isr) {
    }

    @Test
    void theSeedsFailoverDemoInKraftMode() throws Exception {
        String topic = "my-replicated-topic";
        KafkaTools.Result created = topics("--create", "--topic", topic, "--partitions", "3", "--replication-factor", "3");
        assertEquals(0, created.exitCode(), created.all());
        assertTrue(created.stdout().contains("Created topic " + topic + "."), created.all());
        Map<Integer, Described> before = awaitDescribe(topic, d -> d.size() == 3
                && d.values().stream().allMatch(p -> p.isr().size() == 3 && p.leader() == p.replicas().get(0)));

        List<String> acked = new ArrayList<>(produce(topic, "first", 30));
        assertEquals(acked, consumeAll(topic, acked.size()), "consumed before the failover");

        Described p0 = before.get(0);
        ClusterProcesses.Node leader = cluster.node(p0.leader());
        leader.process().kill();
        Map<Integer, Described> after = awaitDescribe(topic, d -> d.get(0).leader() != p0.leader()
                && d.get(0).leader() > 0 && !d.get(0).isr().contains(p0.leader()));
        Described moved = after.get(0);
        System.out.printf("Partition 0: leader %d SIGKILLed; kafka-topics --describe: Leader %d Isr %s%n",
                p0.leader(), moved.leader(), moved.isr());
        assertTrue(p0.isr().contains(moved.leader()), "the new leader comes from the ISR " + p0.isr());
        assertEquals(p0.replicas(), moved.replicas(), "the replicas stay");
        assertEquals(2, moved.isr().size(), "the ISR shrinks to the two live replicas: " + moved.isr());

        acked.addAll(produce(topic, "second", 30));
        assertEquals(acked, consumeAll(topic, acked.size()), "nothing acknowledged is lost and producing goes on");

        cluster.restart(leader, START);
        Map<Integer, Described> healed = awaitDescribe(topic, d -> d.values().stream()
                .allMatch(p -> p.isr().size() == 3 && p.leader() == p.replicas().get(0)));
        System.out.printf("Broker %d restarted: partition 0 Leader %d Isr %s%n", leader.id(), healed.get(0).leader(),
                healed.get(0).isr());
        assertEquals(p0.leader(), healed.get(0).leader(), "preferred leadership returns");
        // The restarted broker fetched before the controller unfenced it: its leaders waited for the unfencing
        // instead of proposing it to the ISR at every fetch, to be refused each time.
        for (ClusterProcesses.Node b : cluster.brokers()) {
            assertEquals(List.of(), b.process().allLines().stream().filter(l -> l.contains("INELIGIBLE_REPLICA")).toList(),
                    "ISR proposals refused on broker " + b.id());
        }

        acked.addAll(produce(topic, "third", 30));
        assertEquals(acked, consumeAll(topic, acked.size()), "after the restart");
    }

    @Test
    void aLeaderCutOffBySigstopCannotAcknowledgeAndTruncatesItsDivergentTailOnceHealed() throws Exception {
        String topic = "partitioned";
        List<Integer> replicas = cluster.brokers().stream().map(ClusterProcesses.Node::id).toList();
        try (Admin admin = cluster.admin(Map.of())) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, replicas))
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(30, TimeUnit.SECONDS);
        }
        awaitDescribe(topic, d -> d.size() == 1 && d.get(0).isr().size() == 3 && d.get(0).leader() == replicas.get(0));
        List<String> acked = new ArrayList<>(produce(topic, "before", 20));
        ClusterProcesses.Node leader = cluster.node(replicas.get(0));
        List<ClusterProcesses.Node> followers = cluster.brokers().stream().filter(b -> b != leader).toList();

        // The leader loses its followers (frozen for less than a session, so they stay registered and in
        // the ISR): it appends what it is sent but cannot have it replicated, so no acks=all write is
        // acknowledged. A fetch a follower had in flight is still answered into its socket buffer, and
        // may bring it the first write after the freeze: what follows that one is on the leader alone.
        // The producer knows the leader before the freeze, so the freeze stays short.
        ExecutionException refused;
        try (KafkaProducer<String, String> isolated = producer(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, leader.address(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 400, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 500,
                ProducerConfig.RETRIES_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            isolated.partitionsFor(topic);
            for (ClusterProcesses.Node f : followers) {
                f.process().freeze();
            }
            try {
                Future<?> first = isolated.send(new ProducerRecord<>(topic, 0, null, "isolated-0"));
                refused = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
                List<Future<?>> tail = new ArrayList<>();
                for (int i = 1; i < 5; i++) {
                    tail.add(isolated.send(new ProducerRecord<>(topic, 0, null, "isolated-" + i)));
                }
                assertThrows(ExecutionException.class, () -> tail.get(0).get(10, TimeUnit.SECONDS));
                // Then the leader itself is cut off, from the controller as much as from its followers.
                leader.process().freeze();
            } finally {
                for (ClusterProcesses.Node f : followers) {
                    f.process().thaw();
                }
            }
        }
        assertTrue(refused.getCause() instanceof org.apache.kafka.common.errors.TimeoutException,
                "the acks=all write times out (REQUEST_TIMED_OUT or the client's own timeout): " + refused.getCause());
        System.out.println("acks=all write to the isolated leader " + leader.id() + ": " + refused.getCause());
        try {
            Described elected = awaitDescribe(topic, d -> d.get(0).leader() > 0 && d.get(0).leader() != leader.id())
                    .get(0);
            assertTrue(followers.stream().anyMatch(f -> f.id() == elected.leader()), "new leader " + elected);
            acked.addAll(produce(topic, "after", 20));
        } finally {
            leader.process().thaw();
        }

        // Healed: the old leader truncates what only it had, follows, rejoins the ISR and, as the
        // preferred replica, leads again; what it serves then is exactly what was acknowledged.
        awaitDescribe(topic, d -> d.get(0).isr().size() == 3 && d.get(0).leader() == leader.id());
        List<String> consumed = new ArrayList<>(consumeAll(topic, acked.size()));
        // isolated-0 may have reached a follower (see above): never acknowledged, it may stay or go.
        consumed.remove("isolated-0");
        assertEquals(acked, consumed, "read from the healed old leader: all acknowledged, none of its own tail");
        assertTrue(leader.process().currentLifeLines().stream()
                        .anyMatch(l -> l.contains("Log of " + topic + "-0 diverged from leader")),
                "the old leader logged its truncation");
    }

    /**
     * An offset commit is answered only once the __consumer_offsets replicas in sync have it: with the
     * coordinator's followers frozen (still in the ISR, not yet fenced) a commit is not acknowledged; once they
     * are back it is, and it survives a SIGKILL of the coordinator right after.
     */
    @Test
    void anOffsetCommitIsAcknowledgedOnlyOnceReplicatedAndSurvivesTheCoordinatorsKill() throws Exception {
        String topic = "coordinated";
        String group = "coordinated-group";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = cluster.admin(Map.of())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(1))).all().get(30, TimeUnit.SECONDS);
            int coordinatorId = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group)
                    .coordinator().id();
            ClusterProcesses.Node coordinator = cluster.node(coordinatorId);
            List<ClusterProcesses.Node> followers = cluster.brokers().stream().filter(b -> b != coordinator).toList();

            // Frozen for less than broker.session.timeout.ms (2 s), the followers stay in the ISR for at least 1.7 s
            // (fencing, then the ISR shrink, come later still): within 1 s there can be no acknowledgement.
            String[] hostPort = coordinator.address().split(":");
            try (RawKafkaClient raw = new RawKafkaClient(hostPort[0], Integer.parseInt(hostPort[1]))) {
                raw.awaitGroupCoordinatorLoaded(group, WAIT);
                raw.readTimeout(Duration.ofSeconds(1));
                for (ClusterProcesses.Node f : followers) {
                    f.process().freeze();
                }
                try {
                    assertThrows(SocketTimeoutException.class, () -> raw.send(commit(group, tp, 2)),
                            "an OffsetCommit answered while the in-sync followers could not have the record");
                } finally {
                    for (ClusterProcesses.Node f : followers) {
                        f.process().thaw();
                    }
                }
            }
            admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(3))).all().get(30, TimeUnit.SECONDS);
            coordinator.process().kill();
            try (Admin survivors = cluster.admin(Map.of())) {
                assertEquals(3, survivors.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(60, TimeUnit.SECONDS).get(tp).offset(), "the acknowledged commit on the new coordinator");
            } finally {
                cluster.restart(coordinator, START);
            }
        }
    }

    /** A simple (group-less) OffsetCommit, as the admin client sends it. */
    private static OffsetCommitRequest commit(String group, TopicPartition tp, long offset) {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1)
                .setMemberId("");
        data.topics().add(new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(tp.topic())
                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(tp.partition()).setCommittedOffset(offset))));
        return OffsetCommitRequest.Builder.forTopicNames(data).build((short) 8);
    }

    /**
     * The brokers that are running and not frozen, for bootstrap.servers: a client would wait a whole
     * request timeout on a frozen one, whose kernel still accepts the connection.
     */
    static String runningBrokers() {
        return cluster.brokers().stream().filter(b -> b.process().isAlive() && !b.process().isFrozen())
                .map(ClusterProcesses.Node::address).collect(Collectors.joining(","));
    }

    /** Runs kafka-topics (TopicCommand) against the running brokers. */
    static KafkaTools.Result topics(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", runningBrokers()));
        all.addAll(Arrays.asList(args));
        return KafkaTools.run("org.apache.kafka.tools.TopicCommand", all, 120);
    }

    /** Polls kafka-topics --describe until its rows satisfy the condition. */
    static Map<Integer, Described> awaitDescribe(String topic, Predicate<Map<Integer, Described>> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (true) {
            KafkaTools.Result result = topics("--describe", "--topic", topic);
            last = result.all();
            Map<Integer, Described> rows = parse(result.stdout());
            if (result.exitCode() == 0 && !rows.isEmpty() && condition.test(rows)) {
                System.out.print(result.stdout());
                return rows;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("kafka-topics --describe never showed the expected state within " + WAIT
                        + "; last:\n" + last);
            }
            Thread.sleep(200); // polling the tool: the deadline above bounds the wait
        }
    }

    static Map<Integer, Described> parse(String describe) {
        Map<Integer, Described> rows = new HashMap<>();
        Matcher m = DESCRIBED.matcher(describe);
        while (m.find()) {
            int leader = m.group(2).equals("none") ? -1 : Integer.parseInt(m.group(2));
            rows.put(Integer.parseInt(m.group(1)), new Described(Integer.parseInt(m.group(1)), leader,
                    ids(m.group(3)), ids(m.group(4))));
        }
        return rows;
    }

    private static List<Integer> ids(String csv) {
        return csv.isEmpty() ? List.of()
                : Arrays.stream(csv.split(",")).map(Integer::parseInt).collect(Collectors.toList());
    }

    /** Sends n records with acks=all, each partition in turn, and returns them once all are acknowledged. */
    static List<String> produce(String topic, String prefix, int n) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            int partitions = producer.partitionsFor(topic).size();
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String value = prefix + "-" + i;
                values.add(value);
                sends.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, value)));
            }
            for (Future<?> send : sends) {
                send.get(60, TimeUnit.SECONDS);
            }
        }
        return values;
    }

    static KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runningBrokers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.putAll(overrides);
        return new KafkaProducer<>(p);
    }

    /**
     * Reads every partition from the beginning until it has {@code expected} records, and returns the
     * values in the order {@link #produce} sent them (by phase, then number), to compare with what was acknowledged.
     */
    static List<String> consumeAll(String topic, int expected) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runningBrokers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            // Anything beyond the expected count would be a record nobody acknowledged: one more short poll shows it.
            consumer.poll(Duration.ofMillis(500)).forEach(read::add);
        }
        return read.stream()
                .map(ConsumerRecord::value)
                .sorted(BrokerFailoverProcessTest::sentOrder)
                .toList();
    }

    /** The order produce() sent values in: by phase of the test, then by number. */
    private static int sentOrder(String a, String b) {
        List<String> phases = List.of("first", "second", "third", "before", "isolated", "after");
        String[] x = a.split("-");
        String[] y = b.split("-");
        int byPhase = Integer.compare(phases.indexOf(x[0]), phases.indexOf(y[0]));
        return byPhase != 0 ? byPhase : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
    }
}
