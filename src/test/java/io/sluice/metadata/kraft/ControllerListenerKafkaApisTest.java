package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller listener of a static quorum (controller.quorum.voters) also speaks Kafka to an admin client
 * bootstrapped with {@code bootstrap.controllers}, on the same port as the Raft traffic: it names the
 * controllers, describes the quorum, and refuses voter changes as Kafka does at kraft.version 0.
 */
class ControllerListenerKafkaApisTest {
    @TempDir
    Path data;

    @Test
    void aStaticControllerAnswersAdminClientsOnItsRaftPort() throws Exception {
        Vertx vertx = Vertx.vertx();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Broker controller = new Broker(BrokerConfig.fromProperties(Map.of("node.id", "1", "process.roles", "controller",
                "listeners", "CONTROLLER://127.0.0.1:" + port, "controller.listener.names", "CONTROLLER",
                "controller.quorum.voters", "1@127.0.0.1:" + port, "cluster.id", "static-quorum",
                "log.dirs", data.toString())), vertx, new SimpleMeterRegistry());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "127.0.0.1:" + port))) {
            controller.start();
            List<Node> nodes = List.copyOf(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertEquals(List.of(new Node(1, "127.0.0.1", port)), nodes);
            assertEquals(1, admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id());

            QuorumInfo quorum = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertEquals(1, quorum.leaderId());
            assertEquals(List.of(1), quorum.voters().stream().map(QuorumInfo.ReplicaState::replicaId).toList());
            assertEquals(Uuid.ZERO_UUID, quorum.voters().get(0).replicaDirectoryId(), "static voters have none");

            ExecutionException add = assertThrows(ExecutionException.class, () -> admin.addRaftVoter(2,
                    Uuid.randomUuid(), Set.of(new RaftVoterEndpoint("CONTROLLER", "127.0.0.1", 1)))
                    .all().get(30, TimeUnit.SECONDS));
            assertInstanceOf(UnsupportedVersionException.class, add.getCause());
        } finally {
            controller.close();
            vertx.close();
        }
    }
}
