package io.sluice.raft.sim;

import io.sluice.raft.QuorumState;
import io.sluice.raft.QuorumStateStore;

/** Writes are durable at once: a real store renames a fsynced file, atomic from a crash's view. */
public final class MemoryQuorumStateStore implements QuorumStateStore {
    private QuorumState state = QuorumState.INITIAL;

    @Override
    public QuorumState read() {
        return state;
    }

    @Override
    public void write(QuorumState state) {
        this.state = state;
    }
}
