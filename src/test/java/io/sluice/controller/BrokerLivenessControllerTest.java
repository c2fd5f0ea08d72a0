package io.sluice.controller;

import static io.sluice.controller.ControllerTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.metadata.kraft.RaftBackend;
import io.sluice.testing.SingleNodeQuorum;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's liveness decisions against a real (single-voter) metadata log: heartbeats,
 * fencing on session expiry, unfencing, controlled shutdown, AlterPartition and ElectLeaders.
 */
class BrokerLivenessControllerTest {
    private static final long SESSION_MS = 300;

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private RaftBackend backend;
    private Controller controller;
    private final Map<Integer, Long> epochs = new HashMap<>();
    private Uuid topicId;

    @BeforeEach
    void start() throws Exception {
        MetaProperties.format(dir, "cluster", 1);
        backend = SingleNodeQuorum.backend(dir, 1, java.util.Optional.empty(), vertx);
        backend.start();
        controller = new Controller(new ControllerSettings(1, 1, (short) 3, true, SESSION_MS, 10, false), backend,
                ControllerTest.TOPIC_CONFIGS, ControllerTest.BROKER_CONFIGS);
        for (int id = 1; id <= 3; id++) {
            epochs.put(id, BrokersForTests.registerUnfenced(controller, backend, id, List.of(), null));
        }
        CreatableTopic topic = new CreatableTopic().setName("t").setNumPartitions(-1).setReplicationFactor((short) -1);
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1, 2, 3)));
        topic.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(2, 3, 1)));
        CreatableTopic single = new CreatableTopic().setName("single").setNumPartitions(-1).setReplicationFactor((short) -1);
        single.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1)));
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(topic);
        request.topics().add(single);
        await(controller.createTopics(request));
        topicId = backend.image().topic("t").orElseThrow().id();
    }

    @AfterEach
    void stop() {
        controller.close();
        backend.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private BrokerHeartbeatResponseData heartbeat(int id, boolean wantShutDown) throws Exception {
        return await(controller.brokerHeartbeat(new BrokerHeartbeatRequestData().setBrokerId(id)
                .setBrokerEpoch(epochs.get(id)).setCurrentMetadataOffset(backend.image().offset())
                .setWantShutDown(wantShutDown)));
    }

    private PartitionImage partition(String topic, int index) {
        return backend.image().topic(topic).orElseThrow().partitions().get(index);
    }

    private BrokerImage broker(int id) {
        return backend.image().brokers().get(id);
    }

    /** Heartbeats brokers 2 and 3 (never 1) and checks sessions until broker 1 is fenced. */
    private void fenceBrokerOne() throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!broker(1).fenced()) {
            assertTrue(System.currentTimeMillis() < deadline, "broker 1 was not fenced");
            heartbeat(2, false);
            heartbeat(3, false);
            await(controller.checkBrokerSessions());
        }
    }

    @Test
    void aRegistrationIsFencedUntilItsBrokerHeartbeatsCaughtUp() throws Exception {
        BrokerRegistrationRequestData request = BrokersForTests.registration(backend, 5, List.of(), "r");
        BrokerRegistrationResponseData registered = await(controller.registerBroker(request));
        assertEquals(Errors.NONE.code(), registered.errorCode());
        assertTrue(broker(5).fenced());
        assertEquals(registered.brokerEpoch(), broker(5).epoch());
        assertEquals(request.incarnationId(), broker(5).incarnationId());
        // A retry of the same registration (its answer was lost) gets the same epoch, and writes nothing.
        long offset = backend.image().offset();
        assertEquals(registered.brokerEpoch(), await(controller.registerBroker(request)).brokerEpoch());
        assertEquals(offset, backend.image().offset());
        epochs.put(5, registered.brokerEpoch());
        assertFalse(heartbeat(5, false).isFenced());
        assertFalse(broker(5).fenced());
    }

    @Test
    void registrationsFromAnotherClusterOrOfABrokerIdInUseAreRefused() throws Exception {
        BrokerRegistrationRequestData foreign = BrokersForTests.registration(backend, 5, List.of(), null)
                .setClusterId("another-cluster");
        assertEquals(Errors.INCONSISTENT_CLUSTER_ID.code(), await(controller.registerBroker(foreign)).errorCode());
        // Broker 2 is alive (its session runs): a second process with id 2 must wait until it ends.
        heartbeat(2, false);
        BrokerRegistrationRequestData twin = BrokersForTests.registration(backend, 2, List.of(), null);
        assertEquals(Errors.DUPLICATE_BROKER_REGISTRATION.code(), await(controller.registerBroker(twin)).errorCode());
        // A new active controller has heard nobody yet (every node may have restarted): it accepts.
        try (Controller fresh = new Controller(new ControllerSettings(1, 1, (short) 3, true, SESSION_MS, 10, false), backend,
                ControllerTest.TOPIC_CONFIGS, ControllerTest.BROKER_CONFIGS)) {
            BrokerRegistrationRequestData restarted = BrokersForTests.registration(backend, 3, List.of(), null);
            assertEquals(Errors.NONE.code(), await(fresh.registerBroker(restarted)).errorCode());
        }
        // Once broker 2 is in controlled shutdown, its successor may register at once.
        heartbeat(2, true);
        BrokerRegistrationResponseData successor = await(controller.registerBroker(twin));
        assertEquals(Errors.NONE.code(), successor.errorCode());
        assertTrue(successor.brokerEpoch() > epochs.get(2));
    }

    @Test
    void heartbeatsWithAnUnknownBrokerOrAStaleEpochAreRefused() throws Exception {
        BrokerHeartbeatResponseData unknown = await(controller.brokerHeartbeat(
                new BrokerHeartbeatRequestData().setBrokerId(9).setBrokerEpoch(1)));
        assertEquals(Errors.BROKER_ID_NOT_REGISTERED.code(), unknown.errorCode());
        BrokerHeartbeatResponseData stale = await(controller.brokerHeartbeat(
                new BrokerHeartbeatRequestData().setBrokerId(2).setBrokerEpoch(epochs.get(2) - 1)));
        assertEquals(Errors.STALE_BROKER_EPOCH.code(), stale.errorCode());
        BrokerHeartbeatResponseData fine = heartbeat(2, false);
        assertEquals(Errors.NONE.code(), fine.errorCode());
        assertTrue(fine.isCaughtUp());
        assertFalse(fine.isFenced());
        assertFalse(fine.shouldShutDown());
    }

    @Test
    void aBrokerWithoutHeartbeatsIsFencedAndLosesLeadershipToTheNextIsrMember() throws Exception {
        fenceBrokerOne();
        PartitionImage p0 = partition("t", 0);
        assertEquals(2, p0.leader());
        assertEquals(List.of(2, 3), p0.isr());
        assertEquals(1, p0.leaderEpoch());
        assertEquals(List.of(2, 3), partition("t", 1).isr());
        assertEquals(2, partition("t", 1).leader());
        // Nobody else can lead the single-replica partition: leaderless, keeping its last ISR.
        assertEquals(-1, partition("single", 0).leader());
        assertEquals(List.of(1), partition("single", 0).isr());
    }

    @Test
    void withUncleanElectionEnabledForTheTopicALiveReplicaOutsideTheIsrTakesOver() throws Exception {
        PartitionImage p0 = partition("t", 0);
        assertEquals(Errors.NONE, partitionError(alter(1, epochs.get(1), p0.leaderEpoch(), p0.partitionEpoch(),
                List.of(1))), "the ISR shrinks to the leader alone");
        IncrementalAlterConfigsRequestData enable = new IncrementalAlterConfigsRequestData();
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource = new IncrementalAlterConfigsRequestData
                .AlterConfigsResource().setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("t");
        resource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                .setName("unclean.leader.election.enable").setValue("true")
                .setConfigOperation(AlterConfigOp.OpType.SET.id()));
        enable.resources().add(resource);
        await(controller.incrementalAlterConfigs(enable));

        fenceBrokerOne();
        assertEquals(2, partition("t", 0).leader(), "the first live replica, out of sync or not");
        assertEquals(List.of(2), partition("t", 0).isr());
        assertEquals(-1, partition("single", 0).leader(), "the default still holds for other topics");
    }

    @Test
    void aFencedBrokerThatHeartbeatsAgainIsUnfencedAndLeadsItsLeaderlessPartitions() throws Exception {
        fenceBrokerOne();
        BrokerHeartbeatResponseData behind = await(controller.brokerHeartbeat(new BrokerHeartbeatRequestData()
                .setBrokerId(1).setBrokerEpoch(epochs.get(1)).setCurrentMetadataOffset(epochs.get(1) - 1)));
        assertTrue(behind.isFenced(), "not caught up with its own registration yet");
        assertFalse(behind.isCaughtUp());
        BrokerHeartbeatResponseData back = heartbeat(1, false);
        assertFalse(back.isFenced());
        assertTrue(back.isCaughtUp());
        assertFalse(broker(1).fenced());
        assertEquals(1, partition("single", 0).leader());
        assertEquals(2, partition("t", 0).leader(), "not in the ISR any more: stays a follower");
    }

    @Test
    void controlledShutdownMovesLeadershipAndIsrMembershipAway() throws Exception {
        BrokerHeartbeatResponseData answer = heartbeat(2, true);
        assertTrue(answer.shouldShutDown());
        assertEquals(3, partition("t", 1).leader());
        assertEquals(List.of(3, 1), partition("t", 1).isr());
        assertFalse(partition("t", 0).isr().contains(2));
        assertEquals(1, partition("t", 0).leader());
        assertFalse(broker(2).fenced(), "controlled shutdown does not fence by itself");
    }

    @Test
    void controlledShutdownOfTheOnlyReplicaLeavesItsPartitionAlone() throws Exception {
        heartbeat(1, true);
        assertEquals(1, partition("single", 0).leader(), "nobody else can lead it");
        assertEquals(2, partition("t", 0).leader());
    }

    @Test
    void alterPartitionChecksEpochsLeaderAndEligibility() throws Exception {
        PartitionImage p0 = partition("t", 0);
        assertEquals(Errors.STALE_BROKER_EPOCH.code(), await(controller.alterPartition(
                alter(1, epochs.get(1) + 5, p0.leaderEpoch(), p0.partitionEpoch(), List.of(1, 2)))).errorCode());
        assertEquals(Errors.FENCED_LEADER_EPOCH, partitionError(alter(1, epochs.get(1), p0.leaderEpoch() - 1,
                p0.partitionEpoch(), List.of(1, 2))));
        assertEquals(Errors.INVALID_UPDATE_VERSION, partitionError(alter(1, epochs.get(1), p0.leaderEpoch(),
                p0.partitionEpoch() + 1, List.of(1, 2))));
        assertEquals(Errors.INVALID_REQUEST, partitionError(alter(2, epochs.get(2), p0.leaderEpoch(),
                p0.partitionEpoch(), List.of(1, 2))), "only the leader changes the ISR");
        AlterPartitionRequestData unknown = alter(1, epochs.get(1), 0, 0, List.of(1));
        unknown.topics().get(0).setTopicId(Uuid.randomUuid());
        assertEquals(Errors.UNKNOWN_TOPIC_ID, partitionError(unknown));
        AlterPartitionRequestData noPartition = alter(1, epochs.get(1), 0, 0, List.of(1));
        noPartition.topics().get(0).partitions().get(0).setPartitionIndex(7);
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, partitionError(noPartition));

        AlterPartitionResponseData.PartitionData shrunk = await(controller.alterPartition(
                alter(1, epochs.get(1), p0.leaderEpoch(), p0.partitionEpoch(), List.of(1, 3)))).topics().get(0)
                .partitions().get(0);
        assertEquals(Errors.NONE.code(), shrunk.errorCode());
        assertEquals(List.of(1, 3), shrunk.isr());
        assertEquals(p0.partitionEpoch() + 1, shrunk.partitionEpoch());
        assertEquals(p0.leaderEpoch(), shrunk.leaderEpoch());
        assertEquals(List.of(1, 3), partition("t", 0).isr());
        assertEquals(shrunk.partitionEpoch(), partition("t", 0).partitionEpoch());

        heartbeat(2, true); // broker 2 in controlled shutdown may not rejoin
        PartitionImage now = partition("t", 0);
        assertEquals(Errors.INELIGIBLE_REPLICA, partitionError(alter(1, epochs.get(1), now.leaderEpoch(),
                now.partitionEpoch(), List.of(1, 2, 3))));
    }

    @Test
    void preferredElectionReturnsLeadershipOnceThePreferredReplicaIsBackInTheIsr() throws Exception {
        fenceBrokerOne();
        heartbeat(1, false); // unfenced, but no longer in t-0's ISR
        ElectLeadersResponseData notAvailable = await(controller.electLeaders(elect(ElectionType.PREFERRED, 0)));
        assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE.code(),
                notAvailable.replicaElectionResults().get(0).partitionResult().get(0).errorCode());

        PartitionImage p0 = partition("t", 0);
        AlterPartitionRequestData expand = alter(2, epochs.get(2), p0.leaderEpoch(), p0.partitionEpoch(),
                List.of(2, 3, 1));
        assertEquals(Errors.NONE, partitionError(expand));
        ElectLeadersResponseData done = await(controller.electLeaders(elect(ElectionType.PREFERRED, 0)));
        assertEquals(Errors.NONE.code(), done.replicaElectionResults().get(0).partitionResult().get(0).errorCode());
        assertEquals(1, partition("t", 0).leader());
        ElectLeadersResponseData again = await(controller.electLeaders(elect(ElectionType.PREFERRED, 0)));
        assertEquals(Errors.ELECTION_NOT_NEEDED.code(),
                again.replicaElectionResults().get(0).partitionResult().get(0).errorCode());
        ElectLeadersResponseData unknown = await(controller.electLeaders(new ElectLeadersRequestData()
                .setElectionType(ElectionType.PREFERRED.value).setTopicPartitions(
                        new ElectLeadersRequestData.TopicPartitionsCollection(List.of(
                                new ElectLeadersRequestData.TopicPartitions().setTopic("nope")
                                        .setPartitions(List.of(0))).iterator()))));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                unknown.replicaElectionResults().get(0).partitionResult().get(0).errorCode());
    }

    @Test
    void uncleanElectionNeedsALeaderlessPartitionAndAnAliveReplica() throws Exception {
        ElectLeadersResponseData notNeeded = await(controller.electLeaders(elect(ElectionType.UNCLEAN, 0)));
        assertEquals(Errors.ELECTION_NOT_NEEDED.code(),
                notNeeded.replicaElectionResults().get(0).partitionResult().get(0).errorCode());
        fenceBrokerOne();
        ElectLeadersRequestData single = new ElectLeadersRequestData().setElectionType(ElectionType.UNCLEAN.value)
                .setTopicPartitions(new ElectLeadersRequestData.TopicPartitionsCollection(List.of(
                        new ElectLeadersRequestData.TopicPartitions().setTopic("single").setPartitions(List.of(0)))
                        .iterator()));
        assertEquals(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE.code(), await(controller.electLeaders(single))
                .replicaElectionResults().get(0).partitionResult().get(0).errorCode());
    }

    @Test
    void theAutoRebalanceMovesLeadershipBackToPreferredReplicas() throws Exception {
        fenceBrokerOne();
        heartbeat(1, false);
        PartitionImage p0 = partition("t", 0);
        assertEquals(Errors.NONE, partitionError(alter(2, epochs.get(2), p0.leaderEpoch(), p0.partitionEpoch(),
                List.of(2, 3, 1))));
        await(controller.rebalanceLeaders());
        assertEquals(1, partition("t", 0).leader());
        assertEquals(2, partition("t", 1).leader());
    }

    private Errors partitionError(AlterPartitionRequestData request) throws Exception {
        AlterPartitionResponseData response = await(controller.alterPartition(request));
        assertEquals(Errors.NONE.code(), response.errorCode());
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    private AlterPartitionRequestData alter(int brokerId, long brokerEpoch, int leaderEpoch, int partitionEpoch,
                                            List<Integer> isr) {
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(brokerId).setBrokerEpoch(brokerEpoch);
        AlterPartitionRequestData.TopicData topic = new AlterPartitionRequestData.TopicData().setTopicId(topicId);
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData().setPartitionIndex(0)
                .setLeaderEpoch(leaderEpoch).setPartitionEpoch(partitionEpoch);
        isr.forEach(id -> data.newIsrWithEpochs().add(new AlterPartitionRequestData.BrokerState().setBrokerId(id)
                .setBrokerEpoch(epochs.get(id))));
        topic.partitions().add(data);
        request.topics().add(topic);
        return request;
    }

    private static ElectLeadersRequestData elect(ElectionType type, int partition) {
        return new ElectLeadersRequestData().setElectionType(type.value).setTopicPartitions(
                new ElectLeadersRequestData.TopicPartitionsCollection(List.of(
                        new ElectLeadersRequestData.TopicPartitions().setTopic("t").setPartitions(List.of(partition)))
                        .iterator()));
    }
}
