package io.sluice.raft;

import java.util.Optional;

/** Keeps the latest snapshot durably; {@link #save} returns once it survives a crash. */
public interface SnapshotStore {

    Optional<Snapshot> latest();

    /** Replaces the latest snapshot if this one is newer (a larger end offset). */
    void save(Snapshot snapshot);
}
