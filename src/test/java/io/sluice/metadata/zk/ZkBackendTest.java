package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static io.sluice.metadata.zk.ZkTesting.content;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZkBackendTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestingServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startZooKeeper() throws Exception {
        server = new TestingServer(true);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        server.close();
    }

    private ZkBackend broker(int id) {
        ZkBackend backend = ZkTesting.startedBroker(server.getConnectString(), id);
        closeables.add(backend);
        return backend;
    }

    static List<MetadataRecord> createTopic(String name, Uuid id, int partitions, int leader) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.topic(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(MetadataRecords.partition(id, new PartitionImage(p, leader, 0, List.of(leader), List.of(leader), 0)));
        }
        records.add(MetadataRecords.config(ConfigResourceType.TOPIC, name, "retention.ms", "3600000"));
        return records;
    }

    @Test
    void firstBrokerIsControllerAndOthersCannotWrite() {
        ZkBackend first = broker(1);
        ZkBackend second = broker(2);
        assertTrue(first.isActiveController());
        assertFalse(second.isActiveController());
        CompletionException refused = assertThrows(CompletionException.class,
                () -> second.write(createTopic("t", Uuid.randomUuid(), 1, 2)).join());
        assertInstanceOf(NotControllerException.class, refused.getCause());

        first.write(createTopic("t", Uuid.randomUuid(), 1, 1)).join();
        await("second broker sees the topic and both brokers", WAIT,
                () -> second.image().topic("t").isPresent() && second.image().brokers().size() == 2);
        assertEquals(1, second.image().controllerId());
    }

    /** Prints how long a committed topic takes to reach another broker's image (watch + re-read). */
    @Test
    void measuresPropagationToAnotherBroker() {
        ZkBackend controller = broker(1);
        ZkBackend other = broker(2);
        // Stamped by a listener as the image is published, not by the (coarser) polling loop.
        Map<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();
        other.addListener((previous, next) -> next.topics().keySet().forEach(t -> seen.putIfAbsent(t, System.nanoTime())));
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "p" + i;
            controller.write(createTopic(name, Uuid.randomUuid(), 1, 1)).join();
            long committed = System.nanoTime();
            await(name + " on the other broker", WAIT, () -> seen.containsKey(name));
            micros.add(Math.max(0, seen.get(name) - committed) / 1000);
        }
        micros.sort(null);
        System.out.printf("zk metadata propagation (write acknowledged on the controller -> in another broker's image),"
                + " 20 topics: median %.1f ms, max %.1f ms%n", micros.get(10) / 1000.0, micros.get(19) / 1000.0);
    }

    @Test
    void afterTheControllerClosesAnotherBrokerTakesOver() {
        ZkBackend first = broker(1);
        ZkBackend second = broker(2);
        first.close();
        await("second broker becomes controller", WAIT, second::isActiveController);
        second.write(createTopic("t", Uuid.randomUuid(), 1, 2)).join();
        await("broker 1 is gone from the image", WAIT, () -> !second.image().brokers().containsKey(1));
        assertEquals(2, second.image().controllerId());
    }

    /**
     * The fence itself: a controller that has not yet noticed it was deposed still holds its old
     * epoch version, and ZooKeeper refuses its transaction.
     */
    @Test
    void aDeposedControllerWriteIsRejectedByTheEpochCheck() throws Exception {
        try (CuratorFramework a = ZkTesting.rawClient(server.getConnectString());
             CuratorFramework b = ZkTesting.rawClient(server.getConnectString())) {
            ZkLayout.ensurePersistentPaths(a);
            ZkControllerElection oldController = new ZkControllerElection(a, 1);
            oldController.run();
            assertTrue(oldController.isElected());
            assertEquals(1, oldController.epoch());

            // Broker 1's /controller vanishes (as when its session expires) and broker 2 wins.
            a.delete().forPath(ZnodePaths.CONTROLLER);
            ZkControllerElection newController = new ZkControllerElection(b, 2);
            newController.run();
            assertTrue(newController.isElected());
            assertEquals(2, newController.epoch());
            assertTrue(oldController.isElected(), "nobody told the old controller yet");

            MetadataImage empty = MetadataImage.empty("c");
            List<MetadataRecord> records = createTopic("t", Uuid.randomUuid(), 1, 1);
            MetadataImage after = io.sluice.metadata.MetadataDelta.replay(empty, records, 0);
            var ops = new ZkRecordWriter(a).ops(empty, after, records, oldController.epoch(),
                    oldController.epochZkVersion(), path -> a.checkExists().forPath(path) != null);
            assertThrows(KeeperException.BadVersionException.class, () -> a.transaction().forOperations(ops));
            assertEquals(null, a.checkExists().forPath(ZnodePaths.topic("t")));

            var newOps = new ZkRecordWriter(b).ops(empty, after, records, newController.epoch(),
                    newController.epochZkVersion(), path -> b.checkExists().forPath(path) != null);
            b.transaction().forOperations(newOps);
            assertNotEquals(null, b.checkExists().forPath(ZnodePaths.topic("t")));
        }
    }

    @Test
    void aBackendDeposedBehindItsBackIsRefusedAndStepsDown() throws Exception {
        ZkBackend first = broker(1);
        ZkBackend second = broker(2);
        // Expire broker 1's session: its /controller goes, broker 2 wins and bumps the epoch.
        first.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        await("second broker becomes controller", WAIT, second::isActiveController);
        CompletionException refused = assertThrows(CompletionException.class,
                () -> first.write(createTopic("t", Uuid.randomUuid(), 1, 1)).join());
        assertInstanceOf(NotControllerException.class, refused.getCause());
        // And the deposed broker comes back as a plain broker: registered again, following broker 2.
        await("broker 1 re-registered and sees controller 2", WAIT,
                () -> first.image().brokers().containsKey(1) && first.image().controllerId() == 2);
        assertFalse(first.isActiveController());
    }

    @Test
    void recordsBecomeZnodesThatAnotherBrokerReadsIntoTheSameImage() {
        ZkBackend controller = broker(1);
        List<MetadataImage> seenBySecond = new CopyOnWriteArrayList<>();
        ZkBackend second = broker(2);
        second.addListener((previous, next) -> seenBySecond.add(next));

        Uuid t1 = Uuid.randomUuid();
        controller.write(createTopic("t1", t1, 3, 1)).join();
        controller.write(createTopic("t2", Uuid.randomUuid(), 1, 2)).join();
        controller.write(List.of(
                MetadataRecords.config(ConfigResourceType.BROKER, MetadataRecords.CLUSTER_DEFAULT_BROKER,
                        "log.cleaner.threads", "2"),
                MetadataRecords.config(ConfigResourceType.BROKER, "2", "log.cleaner.threads", "3"),
                MetadataRecords.config(ConfigResourceType.TOPIC, "t1", "cleanup.policy", "compact"))).join();
        controller.write(List.of(MetadataRecords.producerIds(2, 1000))).join();
        controller.write(List.of(MetadataRecords.producerIds(1, 2000))).join();
        // A leader/ISR change (what the controller does when a replica falls out).
        controller.write(List.of(MetadataRecord.newBuilder().setPartitionChange(
                io.sluice.metadata.proto.PartitionChangeRecord.newBuilder()
                        .setTopicId(io.sluice.metadata.ProtoIds.toProto(t1)).setPartition(2).setLeader(2)
                        .setIsr(io.sluice.metadata.proto.BrokerIdList.newBuilder().addIds(2))).build())).join();

        MetadataImage expected = controller.image();
        assertEquals(Map.of("retention.ms", "3600000", "cleanup.policy", "compact"), expected.topic("t1").get().configs());
        assertEquals(2000, expected.nextProducerId());
        PartitionImage changed = expected.topic("t1").get().partitions().get(2);
        assertEquals(2, changed.leader());
        assertEquals(1, changed.leaderEpoch());
        assertEquals(1, changed.partitionEpoch());
        assertEquals(t1, expected.topic("t1").get().id());

        await("second broker's image matches the controller's", WAIT,
                () -> content(second.image()).equals(content(expected)));
        assertEquals(Map.of("log.cleaner.threads", "3"), second.image().brokerConfigs(2));
        // Images arrive in order, each newer than the last.
        for (int i = 1; i < seenBySecond.size(); i++) {
            assertTrue(seenBySecond.get(i).offset() > seenBySecond.get(i - 1).offset());
        }

        // Deletion propagates too.
        controller.write(List.of(MetadataRecords.removeTopic(t1))).join();
        await("second broker drops t1", WAIT, () -> second.image().topic("t1").isEmpty());
        assertTrue(second.image().topic("t2").isPresent());
    }

    @Test
    void aBatchThatDoesNotReplayIsNotWritten() {
        ZkBackend controller = broker(1);
        controller.write(createTopic("t", Uuid.randomUuid(), 1, 1)).join();
        long before = controller.image().offset();
        assertThrows(CompletionException.class, () -> controller.write(createTopic("t", Uuid.randomUuid(), 1, 1)).join());
        assertEquals(before, controller.image().offset());
    }

    @Test
    void sessionExpiryReRegistersTheBrokerAndReElects() throws Exception {
        ZkBackend only = broker(1);
        try (CuratorFramework raw = ZkTesting.rawClient(server.getConnectString())) {
            long firstOwner = raw.checkExists().forPath(ZnodePaths.brokerId(1)).getEphemeralOwner();
            only.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
            await("broker 1 registered by a new session and controller again", WAIT, () -> {
                try {
                    var stat = raw.checkExists().forPath(ZnodePaths.brokerId(1));
                    return stat != null && stat.getEphemeralOwner() != firstOwner && only.isActiveController();
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals("2", new String(raw.getData().forPath(ZnodePaths.CONTROLLER_EPOCH)));
        }
        only.write(createTopic("after-expiry", Uuid.randomUuid(), 1, 1)).join();
        assertTrue(only.image().topic("after-expiry").isPresent());
    }

    @Test
    void ensembleDownKeepsTheImageRefusesWritesAndResumes() throws Exception {
        ZkBackend only = broker(1);
        only.write(createTopic("t", Uuid.randomUuid(), 1, 1)).join();
        server.stop();
        await("controller steps down while ZooKeeper is gone", WAIT, () -> !only.isActiveController());
        assertTrue(only.image().topic("t").isPresent(), "the last image stays");
        CompletionException refused = assertThrows(CompletionException.class,
                () -> only.write(createTopic("u", Uuid.randomUuid(), 1, 1)).join());
        assertInstanceOf(NotControllerException.class, refused.getCause());
        assertTrue(((NotControllerException) refused.getCause()).getMessage().contains("unreachable"),
                refused.getCause().getMessage());

        server.restart();
        await("controller again once ZooKeeper is back", WAIT, only::isActiveController);
        only.write(createTopic("u", Uuid.randomUuid(), 1, 1)).join();
        assertTrue(only.image().topic("u").isPresent());
        assertTrue(only.image().brokers().containsKey(1));
    }
}
