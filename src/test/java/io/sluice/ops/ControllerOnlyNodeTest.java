package io.sluice.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.server.Broker;
import io.sluice.server.BrokerRuntime;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller-only node (process.roles=controller) with a broker-only node: the controller is ready
 * without a broker registration and is never a broker replicas could be placed on; the broker is
 * ready once registered and unfenced by that controller.
 */
class ControllerOnlyNodeTest {
    @TempDir
    Path data;

    @Test
    void aControllerOnlyNodeIsReadyWithoutRegisteringAsABroker() throws Exception {
        Vertx vertx = Vertx.vertx();
        BrokerRuntime controllerNode = runtime(vertx);
        BrokerRuntime brokerNode = runtime(vertx);
        try {
            int raftPort = io.sluice.testing.FreePorts.reusable();
            String voters = "1@127.0.0.1:" + raftPort;
            controllerNode.start(BrokerConfig.fromProperties(Map.of("node.id", "1", "process.roles", "controller",
                    "listeners", "CONTROLLER://127.0.0.1:" + raftPort, "controller.listener.names", "CONTROLLER",
                    "controller.quorum.voters", voters, "cluster.id", "controller-only",
                    "log.dirs", data.resolve("controller").toString())));
            assertUp(controllerNode);
            brokerNode.start(BrokerConfig.fromProperties(Map.of("node.id", "2", "process.roles", "broker",
                    "listeners", "PLAINTEXT://127.0.0.1:0", "controller.listener.names", "CONTROLLER",
                    "controller.quorum.voters", voters, "cluster.id", "controller-only",
                    "offsets.topic.replication.factor", "1", "log.dirs", data.resolve("broker").toString())));
            assertUp(brokerNode);

            Broker controller = controllerNode.broker().orElseThrow();
            assertFalse(controller.isBroker());
            assertEquals(List.of(2), List.copyOf(controller.parts().backend().image().brokers().keySet()));
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "127.0.0.1:" + brokerNode.broker().orElseThrow().boundPort("PLAINTEXT"));
            try (Admin admin = Admin.create(p)) {
                admin.createTopics(List.of(new NewTopic("one", 1, (short) 1))).all().get();
                ExecutionException two = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> admin.createTopics(List.of(new NewTopic("two", 1, (short) 2))).all().get());
                assertTrue(two.getCause() instanceof InvalidReplicationFactorException, two.toString());
            }
        } finally {
            brokerNode.stop();
            controllerNode.stop();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static BrokerRuntime runtime(Vertx vertx) {
        BrokerRuntime runtime = new BrokerRuntime();
        runtime.use(vertx, new SimpleMeterRegistry());
        return runtime;
    }

    private static void assertUp(BrokerRuntime runtime) {
        ReadyCheck ready = new ReadyCheck();
        ready.runtime = runtime;
        HealthCheckResponse response = ready.call();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), String.valueOf(response.getData()));
    }
}
