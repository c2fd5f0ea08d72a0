package io.sluice.raft.sim;

import io.sluice.raft.Snapshot;
import io.sluice.raft.SnapshotStore;

import java.util.Optional;

/** Saves are durable at once, as with a fsynced file renamed into place. */
public final class MemorySnapshotStore implements SnapshotStore {
    private Snapshot latest;

    @Override
    public Optional<Snapshot> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public void save(Snapshot snapshot) {
        if (latest == null || snapshot.id().offset() > latest.id().offset()) {
            latest = snapshot;
        }
    }
}
