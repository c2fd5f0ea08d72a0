package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
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
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controller-only nodes and two broker-only nodes, as in Kafka's multi-node layout: every
 * controller-bound request a client sends to a broker is forwarded to the active controller.
 */
class ControllerForwardingTest {
    private static final String CLUSTER_ID = "forwarding-cluster";

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final Map<Integer, Broker> nodes = new TreeMap<>();
    private final ExecutorService starter = Executors.newCachedThreadPool();
    private String voters;

    @BeforeEach
    void startCluster() throws Exception {
        Map<Integer, Integer> controllerPorts = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            controllerPorts.put(id, RaftQuorum.freePort());
        }
        voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> props = common(id);
            props.put("process.roles", "controller");
            props.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
            starts.add(start(id, props));
        }
        for (int id = 4; id <= 5; id++) {
            Map<String, String> props = common(id);
            props.put("process.roles", "broker");
            props.put("listeners", "PLAINTEXT://127.0.0.1:0");
            starts.add(start(id, props));
        }
        starts.forEach(CompletableFuture::join);
    }

    private Map<String, String> common(int id) {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", Integer.toString(id));
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", voters);
        props.put("controller.quorum.election.timeout.ms", "500");
        props.put("controller.quorum.fetch.timeout.ms", "500");
        props.put("cluster.id", CLUSTER_ID);
        props.put("log.dirs", dir.resolve("node-" + id).toString());
        props.put("offsets.topic.replication.factor", "1");
        return props;
    }

    private CompletableFuture<Void> start(int id, Map<String, String> props) {
        Broker node = new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
        nodes.put(id, node);
        // Each start waits for the quorum, so they must run together.
        return CompletableFuture.runAsync(node::start, starter);
    }

    @AfterEach
    void stop() {
        // Brokers first: their controlled shutdown needs the controllers' quorum.
        new TreeMap<>(nodes).descendingMap().values().forEach(Broker::close);
        starter.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void adminRequestsSentToABrokerOnlyNodeReachTheActiveController() throws Exception {
        try (Admin admin = admin(4)) {
            int named = admin.describeCluster().controller().get().id();
            assertTrue(named == 4 || named == 5, "clients must be pointed at a broker, got " + named);

            admin.createTopics(List.of(new NewTopic("forwarded", 3, (short) 1))).all().get();
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "forwarded");
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET)))).all().get();
        }
        for (Broker node : nodes.values()) {
            RaftQuorum.await(() -> node.parts().backend().image().topic("forwarded")
                    .filter(t -> "3600000".equals(t.configs().get("retention.ms"))).isPresent(),
                    10_000, "the topic and its config in node " + node.nodeId() + "'s image");
        }
        assertEquals(Set.of(4, 5), nodes.get(1).parts().backend().image().brokers().keySet(),
                "controller-only nodes never register as brokers");
        try (Admin admin = admin(5)) {
            admin.deleteTopics(List.of("forwarded")).all().get();
        }
        RaftQuorum.await(() -> nodes.get(4).parts().backend().image().topic("forwarded").isEmpty(), 10_000,
                "the topic deleted through the other broker");
    }

    @Test
    void describeQuorumThroughABrokerShowsTheVotersAndTheBrokersAsObservers() throws Exception {
        try (Admin admin = admin(5)) {
            RaftQuorum.await(() -> {
                try {
                    QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
                    return quorum.observers().stream().map(QuorumInfo.ReplicaState::replicaId)
                            .collect(Collectors.toSet()).containsAll(Set.of(4, 5));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, 10_000, "both brokers fetching as observers");
            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get();
            assertTrue(nodes.get(quorum.leaderId()).parts().backend().isActiveController(),
                    "the reported leader " + quorum.leaderId() + " is the active controller");
            assertEquals(Set.of(1, 2, 3), quorum.voters().stream().map(QuorumInfo.ReplicaState::replicaId)
                    .collect(Collectors.toSet()));
            assertTrue(quorum.highWatermark() > 0);
        }
    }

    @Test
    void anIdempotentProducerOnABrokerOnlyNodeGetsItsProducerIdFromTheController() throws Exception {
        try (Admin admin = admin(4)) {
            admin.createTopics(List.of(new NewTopic("idempotent", 1, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(4));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            assertEquals(0, producer.send(new ProducerRecord<>("idempotent", "k", "v")).get().offset());
        }
    }

    private String bootstrap(int id) {
        return "127.0.0.1:" + nodes.get(id).boundPort("PLAINTEXT");
    }

    private Admin admin(int id) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(id));
        return Admin.create(p);
    }
}
