package io.sluice.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.raft.RaftMessage.FetchRequest;
import io.sluice.raft.RaftMessage.FetchResponse;
import io.sluice.raft.sim.MemoryQuorumStateStore;
import io.sluice.raft.sim.MemoryRaftLog;
import io.sluice.raft.sim.MemorySnapshotStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** KIP-853 voter changes, rule by rule; the simulation runs them under faults. */
class RaftVoterChangeTest {
    private final List<RaftMessage> sent = new ArrayList<>();
    private final List<Map<Integer, String>> addresses = new ArrayList<>();
    private final RaftTransport transport = new RaftTransport() {
        @Override
        public void send(int to, RaftMessage message) {
            sent.add(message);
        }

        @Override
        public void updateAddresses(Map<Integer, String> update) {
            addresses.add(update);
        }
    };
    private final RaftListener listener = new RaftListener() {
        @Override
        public void onCommit(long offset, byte[] record) {
        }

        @Override
        public void onLoadSnapshot(long endOffset, byte[] state) {
        }

        @Override
        public byte[] takeSnapshot() {
            return new byte[0];
        }
    };

    private static Voter voter(int id) {
        return new Voter(id, "dir-" + id, List.of(new Voter.Endpoint("CONTROLLER", "host" + id + ":9093")));
    }

    private static RaftConfig dynamicConfig(int id) {
        return new RaftConfig(id, Map.of(), 100, 100, 250, 80, 120, 20, 5, 20, 1000, 64, "dir-" + id,
                List.of("boot:9093"));
    }

    /** Node 1 of a dynamic quorum bootstrapped with itself as the only voter, leading with its epoch committed. */
    private RaftNode standaloneLeader(MemoryRaftLog log) {
        log.append(new LogEntry(0, 0, true, VoterSetCodec.encode(new VoterSet(Map.of(1, voter(1))))));
        log.flush();
        RaftNode n = new RaftNode(dynamicConfig(1), log, new MemoryQuorumStateStore(), new MemorySnapshotStore(),
                transport, listener, new Random(1), 0);
        n.tick(300);
        n.tick(301); // flushes the leader-change entry: alone, that commits it
        assertEquals(Role.LEADER, n.role());
        assertEquals(log.endOffset(), n.highWatermark());
        return n;
    }

    private static VoterChangeException.Reason refusal(CompletableFuture<Void> change) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, change::get);
        return assertInstanceOf(VoterChangeException.class, e.getCause()).reason();
    }

    @Test
    void aCaughtUpObserverIsAddedAndTheChangeCommitsWithTheNewMajority() throws Exception {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode leader = standaloneLeader(log);
        assertEquals(Map.of(-2, "boot:9093"), addresses.get(0), "the bootstrap server stands in for unknown voters");

        assertEquals(VoterChangeException.Reason.NOT_CAUGHT_UP, refusal(leader.addVoter(voter(2))),
                "a replica that never fetched cannot vote");
        long end = log.endOffset();
        leader.handle(new FetchRequest(2, 1, 7, end, 1, end, "dir-2"), 310);
        assertEquals(VoterChangeException.Reason.NOT_CAUGHT_UP,
                refusal(leader.addVoter(new Voter(2, "other-dir", voter(2).endpoints()))),
                "the directory id names the replica: another disk of node 2 is another replica");

        CompletableFuture<Void> added = leader.addVoter(voter(2));
        assertEquals(Set.of(1, 2), leader.voterSet().ids(), "in effect as soon as appended");
        assertEquals("host2:9093", addresses.get(addresses.size() - 1).get(2), "the transport learns the new voter");
        assertEquals(VoterChangeException.Reason.CHANGE_IN_PROGRESS, refusal(leader.addVoter(voter(3))),
                "one change at a time");
        leader.tick(320);
        assertFalse(added.isDone(), "two voters now: the change needs node 2 to hold it");

        long withChange = log.endOffset();
        leader.handle(new FetchRequest(2, 1, 8, withChange, 1, end, "dir-2"), 330);
        assertTrue(added.isDone());
        added.get();
        assertEquals(withChange, leader.highWatermark());
        assertEquals(VoterChangeException.Reason.DUPLICATE_VOTER, refusal(leader.addVoter(voter(2))));
    }

    @Test
    void removalNeedsTheRightDirectoryIdAndNeverTheLastVoter() {
        RaftNode leader = standaloneLeader(new MemoryRaftLog());
        assertEquals(VoterChangeException.Reason.LAST_VOTER, refusal(leader.removeVoter(1, "dir-1")));
        assertEquals(VoterChangeException.Reason.VOTER_NOT_FOUND, refusal(leader.removeVoter(1, "dir-9")));
        assertEquals(VoterChangeException.Reason.VOTER_NOT_FOUND, refusal(leader.removeVoter(5, "dir-5")));
    }

    @Test
    void aVoterMovesToNewEndpoints() throws Exception {
        MemoryRaftLog log = new MemoryRaftLog();
        RaftNode leader = standaloneLeader(log);
        assertTrue(leader.updateVoter(voter(1)).isDone(), "nothing to change");
        Voter moved = new Voter(1, "dir-1", List.of(new Voter.Endpoint("CONTROLLER", "elsewhere:9193")));
        assertEquals(VoterChangeException.Reason.VOTER_NOT_FOUND,
                refusal(leader.updateVoter(new Voter(1, "dir-9", moved.endpoints()))));
        CompletableFuture<Void> updated = leader.updateVoter(moved);
        assertEquals("elsewhere:9193", leader.voterSet().voter(1).orElseThrow().raftAddress());
        leader.tick(320); // flushed: alone, that commits it
        updated.get();
    }

    @Test
    void aStaticQuorumRefusesVoterChanges() {
        RaftNode n = new RaftNode(new RaftConfig(1, Map.of(1, "a:1"), 100, 100, 250, 80, 120, 20, 5, 20, 1000, 64),
                new MemoryRaftLog(), new MemoryQuorumStateStore(), new MemorySnapshotStore(), transport, listener,
                new Random(1), 0);
        n.tick(300);
        n.tick(301);
        assertEquals(Role.LEADER, n.role());
        assertEquals(VoterChangeException.Reason.STATIC_QUORUM, refusal(n.addVoter(voter(2))));
    }

    @Test
    void aFollowerTakesTheVoterSetFromTheLogAndUndoesItOnTruncation() {
        MemoryRaftLog log = new MemoryRaftLog();
        log.append(new LogEntry(0, 0, true, VoterSetCodec.encode(new VoterSet(Map.of(1, voter(1))))));
        log.flush();
        RaftNode observer = new RaftNode(dynamicConfig(2), log, new MemoryQuorumStateStore(),
                new MemorySnapshotStore(), transport, listener, new Random(2), 0);
        observer.tick(1);
        FetchRequest fetch = (FetchRequest) sent.get(sent.size() - 1);
        assertEquals("dir-2", fetch.directoryId());
        // The leader's answer names it with its address, and brings the entry that makes node 2 a voter.
        LogEntry leaderChange = LogEntry.leaderChange(1, 1);
        LogEntry addTwo = new LogEntry(2, 1, true, VoterSetCodec.encode(new VoterSet(Map.of(1, voter(1), 2, voter(2)))));
        observer.handle(new FetchResponse(1, 1, 1, fetch.requestId(), RaftMessage.Error.NONE,
                List.of(leaderChange, addTwo), 2, null, null, "host1:9093"), 2);
        assertEquals(Set.of(1, 2), observer.voterSet().ids());
        assertEquals("host1:9093", addresses.get(addresses.size() - 1).get(1));

        // A new leader of epoch 2 never had the uncommitted change: the follower truncates it and is an observer again.
        FetchRequest next = (FetchRequest) sent.get(sent.size() - 1);
        observer.handle(new FetchResponse(1, 2, 1, next.requestId(), RaftMessage.Error.NONE, List.of(), 2,
                new OffsetAndEpoch(2, 1), null, "host1:9093"), 3);
        assertEquals(Set.of(1), observer.voterSet().ids());
    }

    @Test
    void snapshotsOfADynamicQuorumCarryTheVoterSet() {
        VoterSet set = new VoterSet(Map.of(1, voter(1), 3, voter(3)));
        byte[] app = "state".getBytes(StandardCharsets.UTF_8);
        VoterSetCodec.SnapshotParts parts = VoterSetCodec.unwrapSnapshot(VoterSetCodec.wrapSnapshot(set, app));
        assertEquals(Optional.of(set), parts.voters());
        assertArrayEquals(app, parts.application());
        VoterSetCodec.SnapshotParts bare = VoterSetCodec.unwrapSnapshot(app);
        assertEquals(Optional.empty(), bare.voters(), "a static quorum's snapshot is the application's bytes");
        assertArrayEquals(app, bare.application());
    }
}
