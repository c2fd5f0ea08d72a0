package io.sluice.coordinator;

/**
 * The state of one coordinator partition. Every method runs on the partition's serial executor.
 * State is rebuilt by replaying records in log order, then the shard is told it is active.
 */
public interface CoordinatorShard {
    /** Applies one record read back from the log while loading; a null value is a tombstone. */
    void replay(byte[] key, byte[] value);

    /**
     * Applies a record of a producer's transaction read back while loading; it takes effect only if a COMMIT marker
     * for the producer follows ({@link #replayEndTransaction}). Shards that never write transactionally ignore it.
     */
    default void replayTransactional(long producerId, byte[] key, byte[] value) {
    }

    /** A COMMIT (committed) or ABORT marker of a producer's transaction, read back while loading. */
    default void replayEndTransaction(long producerId, boolean committed) {
    }

    /** The log is fully replayed; the shard may start timers (session expiry) and serve. */
    void onLoaded();

    /** Leadership moved away or the broker is stopping: cancel timers, fail waiting requests. */
    void onUnloaded();
}
