package io.sluice.raft;

/**
 * The replicated log as Raft needs it. Entries occupy the dense offset range
 * [{@link #startOffset()}, {@link #endOffset()}); everything below the start lives in a snapshot.
 * Writes may sit in a volatile buffer until {@link #flush()}: only [start, {@link #flushedEndOffset()})
 * is guaranteed to survive a crash, which is why a node acknowledges and votes on flushed data only.
 * Truncations are durable when they return.
 */
public interface RaftLog {

    long startOffset();

    /** Epoch of the entry just below {@link #startOffset()} (the snapshot's last epoch); 0 if none. */
    int startEpoch();

    long endOffset();

    long flushedEndOffset();

    /** The entry at {@code offset}, which must be in [start, end). */
    LogEntry entry(long offset);

    /** Appends at {@link #endOffset()}; the entry's offset must equal it. */
    void append(LogEntry entry);

    /** Removes every entry at or above {@code offset}. */
    void truncateTo(long offset);

    /**
     * Drops every entry below {@code snapshotId.offset()}: the snapshot now stands for them. When the
     * log does not reach that far, or its entry just below disagrees with the snapshot's epoch, the
     * whole log is discarded and it restarts empty at the snapshot's end.
     */
    void truncatePrefix(OffsetAndEpoch snapshotId);

    /** Makes every appended entry durable. */
    void flush();
}
