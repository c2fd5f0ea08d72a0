package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.sluice.testing.BrokerProcess;
import io.sluice.testing.KafkaTools;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker liveness in a real cluster: three combined nodes (broker,controller) forming the Raft quorum and
 * a broker-only node 4, with short sessions. Leadership and ISR are read the way clients see them, through
 * the admin client's describeTopics. There is no data replication yet, so only metadata is asserted.
 */
class BrokerLivenessClusterTest {
    private static final int SESSION_MS = 1500;
    private static final int HEARTBEAT_MS = 300;
    /** What fencing may take beyond the session: the controller's session check and the metadata write. */
    private static final int FENCING_SLACK_MS = 3000;
    private static final String TOPIC = "moves";

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final Map<Integer, Broker> brokers = new TreeMap<>();
    private final ExecutorService starter = Executors.newCachedThreadPool();
    private String voters;

    @AfterEach
    void stop() {
        // Broker-only first: the controllers must still have a quorum for its controlled shutdown.
        Broker observer = brokers.remove(4);
        if (observer != null) {
            observer.close();
        }
        brokers.values().forEach(Broker::close);
        starter.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aBrokerKilledWithSigkillIsFencedItsLeadershipMovesAndItIsUnfencedOnRestart() throws Exception {
        startCluster(Map.of());
        Path workDir = Files.createDirectories(dir.resolve("process-4"));
        int port = BrokerProcess.freePort();
        List<String> props = new ArrayList<>();
        common(4, Map.of()).forEach((k, v) -> props.add(k + "=" + v));
        props.addAll(List.of("process.roles=broker", "listeners=PLAINTEXT://127.0.0.1:" + port,
                "log.dirs=" + workDir.resolve("data")));
        try (BrokerProcess node4 = new BrokerProcess(workDir, port, props)) {
            node4.start(60_000); // prints its port once the controller has unfenced it
            createTopic();
            try (Admin admin = admin(brokers.get(1))) {
                assertEquals(4, leader(admin, 0));
                long t0 = System.nanoTime();
                node4.kill();
                RaftQuorum.await(() -> {
                    TopicPartitionInfo p0 = partition(admin, 0);
                    return p0 != null && p0.leader() != null && p0.leader().id() == 1
                            && ids(p0.isr()).equals(List.of(1, 2));
                }, SESSION_MS + FENCING_SLACK_MS, "leadership of " + TOPIC + "-0 moved to broker 1, 4 out of the ISR");
                long movedMs = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("broker-fenced-leader-moved-ms " + movedMs);
                assertTrue(movedMs >= SESSION_MS - HEARTBEAT_MS, "not before the session ran out: " + movedMs + " ms");
                TopicPartitionInfo p1 = partition(admin, 1);
                assertEquals(2, p1.leader().id());
                assertEquals(List.of(2, 3), ids(p1.isr()));
                assertTrue(image(1).brokers().get(4).fenced());
                assertFalse(describeClusterIds(admin).contains(4), "a fenced broker is not offered to clients");

                long epochBefore = image(1).brokers().get(4).epoch();
                node4.start(60_000);
                RaftQuorum.await(() -> !image(1).brokers().get(4).fenced(), 5_000, "broker 4 unfenced everywhere");
                assertTrue(image(1).brokers().get(4).epoch() > epochBefore, "a new registration, a new broker epoch");
                RaftQuorum.await(() -> describeClusterIds(admin).contains(4), 10_000, "broker 4 listed again");
            }
            node4.stop(); // SIGTERM: a clean (controlled) shutdown while the quorum is still up
        }
    }

    @Test
    void controlledShutdownMovesLeadershipAwayBeforeTheBrokerStops() throws Exception {
        startCluster(Map.of());
        startBroker4(Map.of());
        createTopic();
        try (Admin admin = admin(brokers.get(1))) {
            assertEquals(4, leader(admin, 0));
            long t0 = System.nanoTime();
            brokers.remove(4).close();
            long closeMs = (System.nanoTime() - t0) / 1_000_000;
            // Right after close() returned, before any session could expire, the moves are committed
            // (the active controller's image holds every committed write it answered for).
            MetadataImage now = brokers.values().stream().filter(b -> b.parts().backend().isActiveController())
                    .findFirst().orElseThrow().parts().backend().image();
            PartitionImage p0 = now.topic(TOPIC).orElseThrow().partitions().get(0);
            assertEquals(1, p0.leader(), "leadership moved during the controlled shutdown");
            assertEquals(List.of(1, 2), p0.isr());
            assertEquals(List.of(2, 3), now.topic(TOPIC).orElseThrow().partitions().get(1).isr());
            assertFalse(now.brokers().get(4).fenced(), "moved by the controlled shutdown, not by a fencing");
            assertTrue(closeMs < SESSION_MS, "the controlled shutdown took " + closeMs + " ms");
            assertEquals(1, leader(admin, 0));
        }
    }

    @Test
    void kafkaLeaderElectionToolReturnsLeadershipToThePreferredReplica() throws Exception {
        startCluster(Map.of("auto.leader.rebalance.enable", "false"));
        startBroker4(Map.of());
        createTopic();
        brokers.remove(4).close(); // controlled shutdown: broker 1 leads partition 0, 4 leaves the ISR
        startBroker4(Map.of());
        rejoinIsr();
        try (Admin admin = admin(brokers.get(2))) {
            assertEquals(1, leader(admin, 0));
            KafkaTools.Result result = KafkaTools.run("org.apache.kafka.tools.LeaderElectionCommand", List.of(
                    "--bootstrap-server", "127.0.0.1:" + brokers.get(2).boundPort("PLAINTEXT"),
                    "--election-type", "preferred", "--all-topic-partitions"), 120);
            assertEquals(0, result.exitCode(), result.all());
            assertTrue(result.stdout().contains("Successfully completed leader election (PREFERRED) for partitions "
                    + TOPIC + "-0"), result.all());
            RaftQuorum.await(() -> leader(admin, 0) == 4, 10_000, "broker 4 leading again");
        }
    }

    @Test
    void theAutoRebalanceReturnsLeadershipToThePreferredReplica() throws Exception {
        startCluster(Map.of("leader.imbalance.check.interval.seconds", "1"));
        startBroker4(Map.of());
        createTopic();
        brokers.remove(4).close();
        startBroker4(Map.of());
        rejoinIsr();
        try (Admin admin = admin(brokers.get(3))) {
            RaftQuorum.await(() -> leader(admin, 0) == 4, 10_000, "broker 4 leading again");
        }
    }

    /**
     * Broker 4 back in the ISR of partition 0 through AlterPartition from its leader, as the leader's
     * replication does once the follower has caught up. Sent through broker 4's controller channel: a
     * broker-only node, so the request is forwarded to the active controller like a leader's would be.
     */
    private void rejoinIsr() throws Exception {
        Broker active = brokers.values().stream().filter(b -> b.parts().backend().isActiveController()).findFirst()
                .orElseThrow();
        MetadataImage image = active.parts().backend().image();
        var topic = image.topic(TOPIC).orElseThrow();
        PartitionImage p0 = topic.partitions().get(0);
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(p0.leader())
                .setBrokerEpoch(image.brokers().get(p0.leader()).epoch());
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                .setLeaderEpoch(p0.leaderEpoch()).setPartitionEpoch(p0.partitionEpoch());
        for (int id : List.of(1, 2, 4)) {
            data.newIsrWithEpochs().add(new AlterPartitionRequestData.BrokerState().setBrokerId(id)
                    .setBrokerEpoch(image.brokers().get(id).epoch()));
        }
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(topic.id()).setPartitions(
                new ArrayList<>(List.of(data))));
        AlterPartitionResponseData response = (AlterPartitionResponseData) brokers.get(4).parts().controllerChannel()
                .send(ApiKeys.ALTER_PARTITION, request).get();
        assertEquals(Errors.NONE.code(), response.errorCode(), response.toString());
        AlterPartitionResponseData.PartitionData result = response.topics().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), result.errorCode(), response.toString());
        assertEquals(List.of(1, 2, 4), result.isr());
        assertEquals(p0.partitionEpoch() + 1, result.partitionEpoch());
    }

    private void startCluster(Map<String, String> extra) throws Exception {
        Map<Integer, Integer> controllerPorts = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            controllerPorts.put(id, RaftQuorum.freePort());
        }
        voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> props = common(id, extra);
            props.put("process.roles", "broker,controller");
            props.put("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:0");
            Broker broker = new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
            brokers.put(id, broker);
            starts.add(CompletableFuture.runAsync(broker::start, starter)); // each waits for the quorum
        }
        starts.forEach(CompletableFuture::join);
    }

    private Broker startBroker4(Map<String, String> extra) {
        Map<String, String> props = common(4, extra);
        props.put("process.roles", "broker");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        Broker broker = new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
        brokers.put(4, broker);
        broker.start(); // returns once unfenced
        return broker;
    }

    private Map<String, String> common(int id, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", Integer.toString(id));
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", voters);
        props.put("controller.quorum.election.timeout.ms", "500");
        props.put("controller.quorum.fetch.timeout.ms", "500");
        props.put("broker.session.timeout.ms", Integer.toString(SESSION_MS));
        props.put("broker.heartbeat.interval.ms", Integer.toString(HEARTBEAT_MS));
        props.put("cluster.id", "liveness-cluster");
        props.put("log.dirs", dir.resolve("node-" + id).toString());
        props.put("offsets.topic.replication.factor", "1");
        props.putAll(extra);
        return props;
    }

    /** RF=3 with broker 4 the preferred leader of partition 0 and a follower of partition 1. */
    private void createTopic() throws Exception {
        try (Admin admin = admin(brokers.get(1))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(4, 1, 2), 1, List.of(2, 4, 3)))))
                    .all().get();
            RaftQuorum.await(() -> partition(admin, 0) != null, 10_000, "the topic visible");
        }
    }

    private MetadataImage image(int node) {
        return brokers.get(node).parts().backend().image();
    }

    private static TopicPartitionInfo partition(Admin admin, int index) {
        try {
            Map<String, TopicDescription> d = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get();
            return d.get(TOPIC).partitions().get(index);
        } catch (Exception e) {
            return null;
        }
    }

    /** The leader's id as clients see it; -1 when there is none or the topic is not visible yet. */
    private static int leader(Admin admin, int index) {
        TopicPartitionInfo p = partition(admin, index);
        return p == null || p.leader() == null ? -1 : p.leader().id();
    }

    private static Set<Integer> describeClusterIds(Admin admin) {
        try {
            return admin.describeCluster().nodes().get().stream().map(Node::id).collect(Collectors.toSet());
        } catch (Exception e) {
            return Set.of();
        }
    }

    private static List<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static Admin admin(Broker b) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + b.boundPort("PLAINTEXT"));
        return Admin.create(p);
    }
}
