package io.sluice.coordinator;

/**
 * The state of one coordinator partition. Every method runs on the partition's serial executor.
 * State is rebuilt by replaying records in log order, then the shard is told it is active.
 */
public interface CoordinatorShard {
    /** Applies one record read back from the log while loading; a null value is a tombstone. */
    void replay(byte[] key, byte[] value);

    /** The log is fully replayed; the shard may start timers (session expiry) and serve. */
    void onLoaded();

    /** Leadership moved away or the broker is stopping: cancel timers, fail waiting requests. */
    void onUnloaded();
}
