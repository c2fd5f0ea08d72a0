package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftBackendTest {
    @TempDir
    Path dir;
    private RaftQuorum quorum;

    @AfterEach
    void stop() {
        if (quorum != null) {
            quorum.close();
        }
    }

    private static List<MetadataRecord> topic(String name, int partitions) {
        Uuid id = Uuid.randomUuid();
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.topic(name, id));
        for (int p = 0; p < partitions; p++) {
            records.add(MetadataRecords.partition(id, new PartitionImage(p, 1, 0, List.of(1), List.of(1), 0)));
        }
        return records;
    }

    /** Everything replicated: topics, brokers, configs, producer ids, offset, controller. */
    private void awaitSameImages(long offset) throws InterruptedException {
        RaftQuorum.await(() -> quorum.nodes.values().stream().allMatch(n -> n.image().offset() >= offset)
                && quorum.nodes.values().stream().map(RaftBackend::image).distinct().count() == 1,
                10_000, "every node to publish the same image at offset " + offset);
    }

    @Test
    void threeVotersElectOneLeaderAndPublishTheSameImages() throws Exception {
        quorum = new RaftQuorum(dir, 3, 20_000);
        quorum.start(1, 2, 3);
        RaftBackend leader = quorum.awaitLeader(10_000);
        long offset = leader.write(topic("orders", 3)).join();
        awaitSameImages(offset);
        for (RaftBackend node : quorum.nodes.values()) {
            MetadataImage image = node.image();
            assertEquals(3, image.topic("orders").orElseThrow().partitions().size());
            assertEquals("cluster-1", image.clusterId());
            assertEquals(quorum.nodes.entrySet().stream().filter(e -> e.getValue() == leader).findFirst()
                    .orElseThrow().getKey(), image.controllerId());
        }
        RaftBackend follower = quorum.nodes.values().stream().filter(n -> n != leader).findFirst().orElseThrow();
        CompletionException e = assertThrows(CompletionException.class,
                () -> follower.write(topic("nope", 1)).join());
        assertInstanceOf(NotControllerException.class, e.getCause());
        // A batch that does not replay (a second topic of the same name) is refused, not written.
        assertThrows(CompletionException.class, () -> leader.write(topic("orders", 1)).join());
    }

    @Test
    void aNewLeaderTakesOverWithinTwoElectionTimeoutsAndWritesContinue() throws Exception {
        quorum = new RaftQuorum(dir, 3, 20_000);
        quorum.start(1, 2, 3);
        RaftBackend leader = quorum.awaitLeader(10_000);
        awaitSameImages(leader.write(topic("before", 1)).join());
        int oldId = leader.image().controllerId();

        long t0 = System.nanoTime();
        quorum.stop(oldId);
        // Noticing takes a fetch timeout (= election timeout here); a split vote between the two
        // survivors costs a short random pause (at most half the jitter), not another timeout.
        RaftBackend next = quorum.awaitLeader(2 * RaftQuorum.ELECTION_MS);
        long failoverMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("raft-failover-ms " + failoverMs);
        long offset = next.write(topic("after", 1)).join();
        awaitSameImages(offset);
        for (RaftBackend node : quorum.nodes.values()) {
            assertNotEquals(oldId, node.image().controllerId());
            assertTrue(node.image().topic("before").isPresent() && node.image().topic("after").isPresent());
        }
    }

    @Test
    void aRestartedVoterCatchesUpThroughASnapshot() throws Exception {
        quorum = new RaftQuorum(dir, 3, 3); // snapshot every 3 entries, so the leader's log forgets its start
        quorum.start(1, 2, 3);
        RaftBackend leader = quorum.awaitLeader(10_000);
        int down = quorum.nodes.entrySet().stream().filter(e -> e.getValue() != leader).findFirst()
                .orElseThrow().getKey();
        quorum.stop(down);
        long offset = -1;
        for (int i = 0; i < 10; i++) {
            offset = leader.write(topic("t" + i, 2)).join();
        }
        quorum.start(down);
        awaitSameImages(offset);
        assertEquals(10, quorum.nodes.get(down).image().topics().size());
        long t0 = System.nanoTime();
        long last = leader.write(topic("late", 1)).join();
        awaitSameImages(last);
        System.out.println("raft-propagation-ms " + (System.nanoTime() - t0) / 1_000_000.0);
    }

    @Test
    void anObserverReceivesTheImagesWithBrokerEpochs() throws Exception {
        quorum = new RaftQuorum(dir, 3, 20_000);
        quorum.start(1, 2, 3, 7); // 7 is no voter: it fetches as an observer
        RaftBackend leader = quorum.awaitLeader(10_000);
        RaftBackend observer = quorum.nodes.get(7);
        assertEquals(-1, observer.boundPort());
        long offset = leader.write(topic("seen", 2)).join();
        awaitSameImages(offset);
        // A registration's broker epoch is the offset it landed at, the same on every node.
        long epoch = leader.write(List.of(MetadataRecords.registerBroker(7,
                List.of(new BrokerEndpoint("PLAINTEXT", "h7", 9092, "PLAINTEXT")), null, Uuid.randomUuid(), true))).join();
        awaitSameImages(epoch);
        assertEquals(epoch, observer.image().brokers().get(7).epoch());
        assertTrue(observer.image().brokers().get(7).fenced());
        assertEquals(0, observer.image().topic("seen").orElseThrow().partitions().get(0).leaderEpoch());
    }

    @Test
    void aSingleVoterIsItsOwnQuorumAndKeepsItsStateAcrossRestarts() throws Exception {
        quorum = new RaftQuorum(dir, 1, 20_000);
        quorum.start(1);
        RaftBackend only = quorum.awaitLeader(5_000);
        long offset = only.write(topic("solo", 1)).join();
        assertEquals(offset, only.image().offset());
        quorum.stop(1);
        quorum.start(1);
        RaftBackend again = quorum.nodes.get(1);
        assertTrue(again.isActiveController());
        assertTrue(again.image().topic("solo").isPresent());
        assertEquals(1, again.image().controllerId());
    }

    @Test
    void aVoterWithoutAQuorumGivesUpAtItsStartupTimeoutAndFreesItsPort() throws Exception {
        quorum = new RaftQuorum(dir, 3, 20_000);
        var voters = quorum.voters;
        RaftBackendSettings settings = new RaftBackendSettings(quorum.dir(1),
                RaftBackendSettings.raftConfig(1, voters, 200, 200, 0, 20_000), voters,
                java.util.Optional.of(voters.get(1)), java.util.Optional.of("cluster-1"), 10,
                java.time.Duration.ofMillis(500));
        RaftBackend alone = new RaftBackend(settings, quorum.vertx);
        IllegalStateException e = assertThrows(IllegalStateException.class, alone::start);
        assertTrue(e.getMessage().contains("did not catch up"), e.getMessage());
        // The listening socket is closed on the transport's event loop; poll until the port binds.
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (java.net.ServerSocket again = new java.net.ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new java.net.InetSocketAddress("127.0.0.1", voters.get(1).port()));
                break;
            } catch (java.net.BindException stillHeld) {
                assertTrue(System.currentTimeMillis() < deadline, "the Raft port was not released: " + stillHeld);
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void storageOfAnotherClusterIsRefused() throws Exception {
        quorum = new RaftQuorum(dir, 1, 20_000);
        RaftBackendSettings settings = new RaftBackendSettings(quorum.dir(1),
                RaftBackendSettings.raftConfig(1, quorum.voters, 200, 200, 0, 20_000), quorum.voters,
                java.util.Optional.of(quorum.voters.get(1)), java.util.Optional.of("another-cluster"), 10,
                java.time.Duration.ofSeconds(5));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new RaftBackend(settings, quorum.vertx).start());
        assertTrue(e.getMessage().contains("Cluster id mismatch"), e.getMessage());
    }

    @Test
    void aSingleVoterLogFromBeforeTheQuorumIsMovedOntoTheRaftLog() throws Exception {
        quorum = new RaftQuorum(dir, 1, 20_000);
        long oldEnd;
        // The log a single node wrote before it ran Raft: the single-voter format, in the Raft log's directory.
        java.nio.file.Path raftDir = quorum.dir(1).resolve(RaftBackend.LOG_DIR_NAME);
        java.nio.file.Files.createDirectories(raftDir);
        try (MetadataLogFile old = MetadataLogFile.open(raftDir, batch -> { })) {
            old.append(topic("kept", 2));
            old.append(List.of(MetadataRecords.producerIds(1, 1000)));
            oldEnd = old.nextOffset() - 1;
        }
        quorum.start(1);
        RaftBackend migrated = quorum.nodes.get(1);
        assertEquals(2, migrated.image().topic("kept").orElseThrow().partitions().size());
        assertEquals(1000, migrated.image().nextProducerId());
        long next = migrated.write(topic("new", 1)).join();
        assertTrue(next > oldEnd, "offsets continue after the old log: " + next + " > " + oldEnd);
        quorum.stop(1);
        quorum.start(1); // the second start finds nothing left to migrate and the same state
        assertTrue(quorum.nodes.get(1).image().topic("kept").isPresent());
        assertTrue(quorum.nodes.get(1).image().topic("new").isPresent());
    }
}
