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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three combined nodes (broker,controller) forming one Raft metadata quorum plus a broker-only observer,
 * driven by a real admin client.
 */
class ThreeBrokerQuorumTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final Map<Integer, Broker> brokers = new TreeMap<>();
    private final ExecutorService starter = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        // The broker-only node first: its controlled shutdown needs the controllers' quorum.
        Broker observer = brokers.remove(4);
        if (observer != null) {
            observer.close();
        }
        brokers.values().forEach(Broker::close);
        starter.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aTopicCreatedThroughTheActiveControllerIsVisibleFromEveryBrokerIncludingAnObserver() throws Exception {
        Map<Integer, Integer> controllerPorts = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            controllerPorts.put(id, RaftQuorum.freePort());
        }
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> props = new HashMap<>();
            props.put("node.id", Integer.toString(id));
            props.put("process.roles", "broker,controller");
            props.put("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:0");
            props.put("controller.listener.names", "CONTROLLER");
            props.put("controller.quorum.voters", voters);
            props.put("controller.quorum.election.timeout.ms", "500");
            props.put("controller.quorum.fetch.timeout.ms", "500");
            props.put("cluster.id", "three-node-cluster");
            props.put("log.dirs", dir.resolve("node-" + id).toString());
            props.put("offsets.topic.replication.factor", "1");
            Broker broker = new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
            brokers.put(id, broker);
            // Each start waits for the quorum, so they must run together.
            starts.add(CompletableFuture.runAsync(broker::start, starter));
        }
        starts.forEach(CompletableFuture::join);
        // A broker-only node: no controller listener, it follows the quorum as an observer.
        Map<String, String> observer = new HashMap<>();
        observer.put("node.id", "4");
        observer.put("process.roles", "broker");
        observer.put("listeners", "PLAINTEXT://127.0.0.1:0");
        observer.put("controller.listener.names", "CONTROLLER");
        observer.put("controller.quorum.voters", voters);
        observer.put("cluster.id", "three-node-cluster");
        observer.put("log.dirs", dir.resolve("node-4").toString());
        observer.put("offsets.topic.replication.factor", "1");
        Broker broker4 = new Broker(BrokerConfig.fromProperties(observer), vertx, new SimpleMeterRegistry());
        brokers.put(4, broker4);
        broker4.start();

        RaftQuorum.await(() -> brokers.values().stream().allMatch(b -> b.parts().backend().image().brokers().size() == 4),
                10_000, "all four brokers registered everywhere");
        Broker any = brokers.get(2);
        try (Admin admin = admin(any)) {
            // The admin client sends CreateTopics to the controller named in Metadata: the Raft leader.
            admin.createTopics(List.of(new NewTopic("replicated", 3, (short) 3))).all().get();
        }
        long t0 = System.nanoTime();
        for (Broker b : brokers.values()) {
            try (Admin admin = admin(b)) {
                RaftQuorum.await(() -> {
                    try {
                        Map<String, TopicDescription> d = admin.describeTopics(Set.of("replicated")).allTopicNames().get();
                        return d.get("replicated").partitions().size() == 3;
                    } catch (Exception e) {
                        return false;
                    }
                }, 10_000, "the topic in broker " + b.nodeId() + "'s Metadata");
                int controller = admin.describeCluster().controller().get().id();
                assertTrue(brokers.get(controller).parts().backend().isActiveController());
                assertEquals(4, admin.describeCluster().nodes().get().size());
            }
        }
        System.out.println("three-broker-metadata-visible-ms " + (System.nanoTime() - t0) / 1_000_000);
    }

    private static Admin admin(Broker b) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + b.boundPort("PLAINTEXT"));
        return Admin.create(p);
    }
}
