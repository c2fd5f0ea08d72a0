package io.sluice.metadata.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.BrokerProcess;
import io.sluice.testing.KafkaTools;
import io.sluice.testing.NodeProcess;
import io.sluice.testing.RawKafkaClient;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import io.sluice.testing.ZooKeeperProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.sluice.testing.SluiceEnvLauncher;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "3-broker Kafka Cluster plus Zookeeper from downloaded binaries" guide, on Sluice: three ZooKeeper
 * servers as processes ({@code QuorumPeerMain} from the zookeeper jar), three Sluice brokers as processes
 * started from the guide's {@code server-1/2/3.properties} verbatim (only the ports made free and the
 * ensemble in {@code zookeeper.connect}), Kafka's own {@code kafka-topics} to create and describe.
 * Then broker 1 is SIGKILLed: failover as in Kafka, once its ZooKeeper session (Kafka's 18 s default)
 * ends. Then ZooKeeper's faults: one server lost changes nothing; the whole ensemble down keeps produce
 * and fetch going, refuses metadata changes with a retriable error, and everything resumes with it.
 */
class ZkClusterProcessTest {
    private static final String TOPIC = "my-replicated-topic";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theGuidesThreeBrokerClusterFailsOverAndRidesOutZooKeeperFaults(@TempDir Path work) throws Exception {
        try (ZooKeeperProcesses zookeeper = ZooKeeperProcesses.ensemble(work, 3)) {
            zookeeper.start(START);
            Map<Integer, Integer> ports = new LinkedHashMap<>();
            List<NodeProcess> brokers = new ArrayList<>();
            try {
                for (int id = 1; id <= 3; id++) {
                    int port = BrokerProcess.freePort();
                    ports.put(id, port);
                    brokers.add(broker(work, id, port, zookeeper.connect("")));
                }
                brokers.forEach(NodeProcess::start);
                for (int id = 1; id <= 3; id++) {
                    brokers.get(id - 1).awaitLog(Pattern.compile("Sluice node " + id + " started in"), START);
                }
                run(work, brokers, ports, zookeeper);
            } finally {
                for (NodeProcess b : brokers) {
                    b.close();
                }
            }
        }
    }

    private void run(Path work, List<NodeProcess> brokers, Map<Integer, Integer> ports, ZooKeeperProcesses zookeeper)
            throws Exception {
        // 5) kafka-topics --create against broker 1, as the guide does.
        KafkaTools.Result created = KafkaTools.run("org.apache.kafka.tools.TopicCommand", List.of("--create",
                "--bootstrap-server", "localhost:" + ports.get(1), "--replication-factor", "3", "--partitions", "3",
                "--topic", TOPIC), 120);
        assertEquals(0, created.exitCode(), created.all());
        assertTrue(created.stdout().contains("Created topic " + TOPIC + "."), created.all());

        String all = bootstrap(ports, List.of(1, 2, 3));
        String survivors = bootstrap(ports, List.of(2, 3));
        try (Admin admin = admin(all)) {
            await("every partition replicated on all three brokers, all in sync", () -> partitions(admin).stream()
                    .allMatch(p -> p.replicas().size() == 3 && p.isr().size() == 3 && p.leader() != null));
        }
        propagation(ports, 10);
        // 6) produce and consume.
        produce(all, "before", 30);
        assertEquals(30, consume(all, 30).size());

        // 7) Stop broker 1 (SIGKILL): its session ends after zookeeper.session.timeout.ms, then the controller
        // (broker 1 itself may have been it) elects new leaders from the ISR and shrinks the ISRs.
        int controllerBefore;
        try (Admin admin = admin(all)) {
            controllerBefore = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
        }
        long killed = System.nanoTime();
        brokers.get(0).kill();
        try (Admin admin = admin(survivors)) {
            admin.createTopics(List.of(new NewTopic("after-kill", 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
            System.out.printf("zk failover: broker 1 (controller before: broker %d) SIGKILLed -> CreateTopics "
                    + "through brokers 2,3 succeeds: %.1f s%n", controllerBefore, (System.nanoTime() - killed) / 1e9);
            await("no partition led by broker 1 or with it in the ISR", () -> partitions(admin).stream().allMatch(p ->
                    p.leader() != null && p.leader().id() != 1 && p.isr().stream().noneMatch(n -> n.id() == 1)));
            System.out.printf("zk failover: broker 1 SIGKILLed -> new leaders and ISRs without it: %.1f s "
                    + "(zookeeper.session.timeout.ms 18000)%n", (System.nanoTime() - killed) / 1e9);
            produce(survivors, "after", 30);
            assertEquals(60, consume(survivors, 60).size());
        }
        KafkaTools.Result described = KafkaTools.run("org.apache.kafka.tools.TopicCommand", List.of("--describe",
                "--bootstrap-server", "localhost:" + ports.get(2), "--topic", TOPIC), 120);
        assertEquals(0, described.exitCode(), described.all());
        List<String[]> rows = describeRows(described.stdout());
        assertEquals(3, rows.size(), described.stdout());
        for (String[] row : rows) { // leader, replicas, isr
            assertFalse(row[0].equals("1"), described.stdout());
            assertEquals(3, row[1].split(",").length, described.stdout());
            assertEquals(2, row[2].split(",").length, described.stdout());
            assertFalse(List.of(row[2].split(",")).contains("1"), described.stdout());
        }

        try (Admin admin = admin(survivors)) {
            int controller = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();

            // ZooKeeper loses its leader: the other two elect one; the brokers' sessions, and so the
            // controller, survive, and clients notice nothing.
            zookeeper.leader().process().kill();
            produce(survivors, "zk-two-of-three", 10);
            assertEquals(70, consume(survivors, 70).size());
            admin.createTopics(List.of(new NewTopic("while-two-of-three", 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
            assertEquals(controller, admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id());

            // The whole ensemble down: partitions with stable leadership keep serving produce and fetch...
            for (ZooKeeperProcesses.Server s : zookeeper.servers()) {
                s.process().kill();
            }
            produce(survivors, "zk-down", 10);
            assertEquals(80, consume(survivors, 80).size());
            // ...while a metadata change fails with a retriable error (NOT_CONTROLLER, retried until the timeout).
            try (Admin impatient = admin(survivors, Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000))) {
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> impatient.createTopics(List.of(new NewTopic("while-down", 1, (short) 2))).all()
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(RetriableException.class, refused.getCause(), refused.toString());
                System.out.println("zk ensemble down: the admin client ended with " + refused.getCause());
            }
            // What each broker answers: NOT_CONTROLLER (retriable), saying ZooKeeper is the reason.
            for (int id : List.of(2, 3)) {
                try (RawKafkaClient raw = new RawKafkaClient("localhost", ports.get(id))) {
                    CreateTopicsRequestData.CreatableTopicCollection topics = new CreateTopicsRequestData.CreatableTopicCollection();
                    topics.add(new CreateTopicsRequestData.CreatableTopic().setName("while-down").setNumPartitions(1)
                            .setReplicationFactor((short) 2));
                    CreateTopicsResponse answer = raw.send(new CreateTopicsRequest.Builder(
                            new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(5000)).build((short) 7));
                    var result = answer.data().topics().find("while-down");
                    assertEquals(Errors.NOT_CONTROLLER.code(), result.errorCode(), "broker " + id + ": " + result);
                    assertTrue(result.errorMessage().contains("ZooKeeper is unreachable"), result.errorMessage());
                }
            }

            // ZooKeeper returns: metadata changes go through again, both brokers still registered.
            long back = System.nanoTime();
            zookeeper.start(START);
            admin.createTopics(List.of(new NewTopic("after-zk-returned", 1, (short) 2))).all().get(60, TimeUnit.SECONDS);
            System.out.printf("zk ensemble back: CreateTopics succeeded %.1f s after the restart began%n",
                    (System.nanoTime() - back) / 1e9);
            await("brokers 2 and 3 registered", () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)
                    .stream().map(Node::id).collect(Collectors.toSet()).equals(java.util.Set.of(2, 3)));
            produce(survivors, "zk-back", 10);
            assertEquals(90, consume(survivors, 90).size());
        }
    }

    /** A broker process started from the guide's server-N.properties, ports made free, the ensemble in zookeeper.connect. */
    private static NodeProcess broker(Path work, int id, int port, String zookeeperConnect) throws Exception {
        Path properties = work.resolve("server-" + id + ".properties");
        Files.writeString(properties, String.join("\n",
                "broker.id=" + id,
                "listeners=PLAINTEXT://:" + port,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "log.dirs=" + work.resolve("kafka-logs-broker" + id),
                "num.partitions=3",
                "zookeeper.connect=" + zookeeperConnect, ""));
        return new NodeProcess("broker-" + id, SluiceEnvLauncher.command(List.of(properties.toString())),
                Map.of("QUARKUS_MANAGEMENT_PORT", Integer.toString(BrokerProcess.freePort())),
                work.resolve("broker-" + id + ".log"));
    }

    /**
     * Metadata propagation in zk mode, as bench/metadata-propagation.sh measures it in kraft mode: topics
     * (3 partitions, RF 3) created one after the other through broker 1; for each, the time from sending
     * CreateTopics until every broker answers Metadata with the complete topic. Printed, not asserted.
     */
    private static void propagation(Map<Integer, Integer> ports, int count) throws Exception {
        List<io.sluice.testing.BrokerMetadataView> views = new ArrayList<>();
        List<Long> visible = new ArrayList<>();
        try (Admin admin = admin("localhost:" + ports.get(1))) {
            for (int port : ports.values()) {
                views.add(new io.sluice.testing.BrokerMetadataView("localhost", port));
            }
            for (int i = 0; i < count; i++) {
                String topic = "prop-" + i;
                long t0 = System.nanoTime();
                var acked = admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all();
                for (var view : views) {
                    long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
                    while (!view.topics(List.of(topic)).containsKey(topic)) {
                        assertTrue(System.nanoTime() < deadline, topic + " not visible within 30 s");
                        Thread.sleep(1); // polling the broker's Metadata: the deadline above bounds the wait
                    }
                }
                visible.add(System.nanoTime() - t0);
                acked.get(30, TimeUnit.SECONDS);
            }
        } finally {
            for (var view : views) {
                view.close();
            }
        }
        visible.sort(null);
        System.out.printf("zk metadata propagation: create -> visible on all 3 brokers, %d topics: p50 %.1f ms, max %.1f ms%n",
                count, visible.get(count / 2) / 1e6, visible.get(count - 1) / 1e6);
    }

    private static String bootstrap(Map<Integer, Integer> ports, List<Integer> ids) {
        return ids.stream().map(id -> "localhost:" + ports.get(id)).collect(Collectors.joining(","));
    }

    private static Admin admin(String bootstrap) {
        return admin(bootstrap, Map.of());
    }

    private static Admin admin(String bootstrap, Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(overrides);
        return Admin.create(p);
    }

    private static List<TopicPartitionInfo> partitions(Admin admin) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
        return d.partitions();
    }

    private static void produce(String bootstrap, String prefix, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sent.add(producer.send(new ProducerRecord<>(TOPIC, i % 3, prefix + "-" + i, prefix + "-" + i)));
            }
            for (var f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            // Bounded: an idempotent producer that never got its producer id would otherwise wait in close() forever.
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** Reads every partition from the beginning (no group) until {@code expected} records arrived. */
    private static List<String> consume(String bootstrap, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> tps = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
                    new TopicPartition(TOPIC, 2));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    /** kafka-topics --describe partition lines as {leader, replicas, isr}. */
    private static List<String[]> describeRows(String output) {
        Pattern row = Pattern.compile("Partition: \\d+\\s+Leader: (-?\\d+|none)\\s+Replicas: ([\\d,]+)\\s+Isr: ([\\d,]*)");
        List<String[]> rows = new ArrayList<>();
        for (String line : output.split("\n")) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                rows.add(new String[] {m.group(1), m.group(2), m.group(3)});
            }
        }
        return rows;
    }

    private static void await(String what, ThrowingCondition condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.test()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100); // polling the cluster: the deadline above bounds the wait
        }
        throw new AssertionError("not within " + WAIT + ": " + what + (last == null ? "" : " (last error: " + last + ")"));
    }

    @FunctionalInterface
    private interface ThrowingCondition {
        boolean test() throws Exception;
    }
}
