package io.sluice.controller;

import static io.sluice.controller.ControllerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.metadata.kraft.RaftBackend;
import io.sluice.testing.SingleNodeQuorum;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's side of reassignments on a single-node quorum, where no replica copies anything and
 * the test plays the partition leader: what a request writes, when the controller completes a move, and
 * the refusals the Admin client cannot provoke (a fenced target, a replication factor change not allowed).
 */
class ReassignmentControllerTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private RaftBackend backend;
    private Controller controller;

    @BeforeEach
    void start() throws Exception {
        MetaProperties.format(dir, "cluster", 1);
        backend = SingleNodeQuorum.backend(dir, 1, Optional.empty(), vertx);
        backend.start();
        controller = new Controller(new ControllerSettings(1, 3, (short) 1, true, 9000, 10, false), backend,
                ControllerTest.TOPIC_CONFIGS, ControllerTest.BROKER_CONFIGS);
        BrokersForTests.registerUnfenced(controller, backend, 1, List.of(), null);
        BrokersForTests.registerUnfenced(controller, backend, 3, List.of(), null);
        // Broker 2 registers but never heartbeats: it stays fenced.
        await(controller.registerBroker(BrokersForTests.registration(backend, 2, List.of(), null)));
        CreateTopicsRequestData create = new CreateTopicsRequestData();
        create.topics().add(new CreatableTopic().setName("t").setNumPartitions(-1).setReplicationFactor((short) -1)
                .setAssignments(new CreateTopicsRequestData.CreatableReplicaAssignmentCollection(List.of(
                        new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1))).iterator())));
        assertEquals(Errors.NONE.code(), await(controller.createTopics(create)).topics().find("t").errorCode());
    }

    @AfterEach
    void stop() {
        controller.close();
        backend.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aFencedTargetOrAReplicationFactorChangeNotAllowedIsRefused() throws Exception {
        assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, reassign(List.of(2), true));
        assertEquals(Errors.INVALID_REPLICATION_FACTOR, reassign(List.of(1, 3), false));
        assertEquals(Errors.NO_REASSIGNMENT_IN_PROGRESS, reassign(null, true));
        assertFalse(partition().isReassigning());
    }

    @Test
    void aMoveWaitsForTheNewReplicaInTheIsrThenCompletesAndMovesLeadership() throws Exception {
        assertEquals(Errors.NONE, reassign(List.of(3), true));
        PartitionImage ongoing = partition();
        assertEquals(List.of(3, 1), ongoing.replicas());
        assertEquals(List.of(3), ongoing.addingReplicas());
        assertEquals(List.of(1), ongoing.removingReplicas());
        assertEquals(1, ongoing.leader());

        // The leader (played here) reports broker 3 caught up: the controller completes the move.
        AlterPartitionRequestData isr = new AlterPartitionRequestData().setBrokerId(1).setBrokerEpoch(-1);
        isr.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(backend.image().topic("t").orElseThrow().id())
                .setPartitions(List.of(new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                        .setLeaderEpoch(ongoing.leaderEpoch()).setPartitionEpoch(ongoing.partitionEpoch())
                        .setNewIsr(List.of(1, 3)))));
        assertEquals(Errors.NONE.code(), await(controller.alterPartition(isr)).topics().get(0).partitions().get(0).errorCode());
        awaitTrue(() -> !partition().isReassigning(), "the reassignment to complete");
        PartitionImage done = partition();
        assertEquals(List.of(3), done.replicas());
        assertEquals(List.of(3), done.isr());
        assertEquals(3, done.leader());
        assertEquals(ongoing.leaderEpoch() + 1, done.leaderEpoch());
    }

    @Test
    void cancellingRevertsToTheOriginalReplicas() throws Exception {
        assertEquals(Errors.NONE, reassign(List.of(3), true));
        assertTrue(partition().isReassigning());
        assertEquals(Errors.NONE, reassign(null, true));
        PartitionImage reverted = partition();
        assertFalse(reverted.isReassigning());
        assertEquals(List.of(1), reverted.replicas());
        assertEquals(1, reverted.leader());
    }

    private Errors reassign(List<Integer> replicas, boolean allowReplicationFactorChange) throws Exception {
        AlterPartitionReassignmentsRequestData request = new AlterPartitionReassignmentsRequestData()
                .setAllowReplicationFactorChange(allowReplicationFactorChange)
                .setTopics(List.of(new ReassignableTopic().setName("t").setPartitions(List.of(
                        new ReassignablePartition().setPartitionIndex(0).setReplicas(replicas)))));
        return Errors.forCode(await(controller.alterPartitionReassignments(request)).responses().get(0).partitions()
                .get(0).errorCode());
    }

    private PartitionImage partition() {
        return backend.image().topic("t").orElseThrow().partitions().get(0);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
