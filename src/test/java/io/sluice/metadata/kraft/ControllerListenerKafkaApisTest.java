package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.raft.VoterSet;
import io.sluice.server.Broker;
import io.sluice.testing.RawKafkaClient;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
import org.apache.kafka.common.message.UpdateRaftVoterRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.UpdateRaftVoterRequest;
import org.apache.kafka.common.requests.UpdateRaftVoterResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller listener of a static quorum (controller.quorum.voters) also speaks Kafka to an admin client
 * bootstrapped with {@code bootstrap.controllers}, on the same port as the Raft traffic: it names the
 * controllers, describes the quorum, and refuses voter changes as Kafka does at kraft.version 0. A dynamic
 * quorum's voter moves to new endpoints with UpdateRaftVoter.
 */
class ControllerListenerKafkaApisTest {
    @TempDir
    Path data;

    @Test
    void aStaticControllerAnswersAdminClientsOnItsRaftPort() throws Exception {
        Vertx vertx = Vertx.vertx();
        int port = freePort();
        Broker controller = staticController(vertx, port, Map.of());
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

    @Test
    void anIdleKafkaConnectionOnTheRaftPortIsClosedAfterConnectionsMaxIdleMs() throws Exception {
        Vertx vertx = Vertx.vertx();
        int port = freePort();
        Broker controller = staticController(vertx, port, Map.of("connections.max.idle.ms", "500"));
        try {
            controller.start();
            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", port)) {
                ApiVersionsResponse versions = client.send(new ApiVersionsRequest.Builder().build((short) 3));
                assertEquals(Errors.NONE.code(), versions.data().errorCode(), "handed over to the Kafka listener");
                assertTrue(client.closedByPeerWithin(Duration.ofSeconds(30)), "closed once idle");
            }
        } finally {
            controller.close();
            vertx.close();
        }
    }

    @Test
    void aDynamicVoterMovesToNewEndpointsWithUpdateRaftVoter() throws Exception {
        Vertx vertx = Vertx.vertx();
        int port = freePort();
        // What `storage format --standalone` writes.
        String directoryId = Uuid.randomUuid().toString();
        MetaProperties.format(data, "dynamic-quorum", 1, directoryId);
        QuorumBootstrap.write(data, new VoterSet(Map.of(1,
                QuorumBootstrap.voter(1, directoryId, "CONTROLLER", "127.0.0.1", port))));
        Broker controller = new Broker(BrokerConfig.fromProperties(Map.of("node.id", "1", "process.roles", "controller",
                "listeners", "CONTROLLER://127.0.0.1:" + port, "controller.listener.names", "CONTROLLER",
                "controller.quorum.bootstrap.servers", "127.0.0.1:" + port, "cluster.id", "dynamic-quorum",
                "log.dirs", data.toString())), vertx, new SimpleMeterRegistry());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "127.0.0.1:" + port))) {
            controller.start();
            QuorumInfo before = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertEquals(Uuid.fromString(directoryId), before.voters().get(0).replicaDirectoryId());
            assertEquals(List.of(new RaftVoterEndpoint("CONTROLLER", "127.0.0.1", port)),
                    before.nodes().get(1).endpoints());

            UpdateRaftVoterRequestData update = new UpdateRaftVoterRequestData().setClusterId("dynamic-quorum")
                    .setCurrentLeaderEpoch((int) before.leaderEpoch()).setVoterId(1)
                    .setVoterDirectoryId(Uuid.fromString(directoryId));
            update.listeners().add(new UpdateRaftVoterRequestData.Listener().setName("CONTROLLER")
                    .setHost("localhost").setPort(port));
            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", port)) {
                UpdateRaftVoterResponse response = client.send(new UpdateRaftVoterRequest.Builder(update).build());
                assertEquals(Errors.NONE.code(), response.data().errorCode(), response.data().toString());
            }
            QuorumInfo after = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(new RaftVoterEndpoint("CONTROLLER", "localhost", port)),
                    after.nodes().get(1).endpoints());
        } finally {
            controller.close();
            vertx.close();
        }
    }

    /** A controller-only node, the sole voter of a static quorum, on {@code port}; {@code extra} overrides. */
    private Broker staticController(Vertx vertx, int port, Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(Map.of("node.id", "1", "process.roles", "controller",
                "listeners", "CONTROLLER://127.0.0.1:" + port, "controller.listener.names", "CONTROLLER",
                "controller.quorum.voters", "1@127.0.0.1:" + port, "cluster.id", "static-quorum",
                "log.dirs", data.toString()));
        props.putAll(extra);
        return new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
