package io.sluice.raft.sim;

import io.sluice.raft.RaftConfig;
import io.sluice.raft.RaftNode;
import io.sluice.raft.RaftTransport;

import java.util.Random;

/** One simulated machine: its disk outlives crashes, its process and application do not. */
final class SimNode {
    final int id;
    final MemoryRaftLog log = new MemoryRaftLog();
    final MemoryQuorumStateStore state = new MemoryQuorumStateStore();
    final MemorySnapshotStore snapshots = new MemorySnapshotStore();
    RaftNode raft;
    SimApp app;
    int incarnation;

    SimNode(int id) {
        this.id = id;
    }

    boolean up() {
        return raft != null;
    }

    void start(RaftConfig config, RaftTransport transport, long seed, long now) {
        incarnation++;
        app = new SimApp();
        raft = new RaftNode(config, log, state, snapshots, transport, app,
                new Random(seed * 1_000_003L + id * 7919L + incarnation), now);
    }

    void crash(Random random) {
        raft = null;
        app = null;
        log.crash(random);
    }
}
