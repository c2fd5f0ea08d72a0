package io.sluice.raft.sim;

import io.sluice.raft.LogEntry;
import io.sluice.raft.OffsetAndEpoch;
import io.sluice.raft.RaftLog;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The simulator's log: entries in memory, with a flushed mark that models what an fsync made durable.
 * {@link #crash} loses an arbitrary part of what was not flushed, like a torn page cache.
 */
public final class MemoryRaftLog implements RaftLog {
    private final List<LogEntry> entries = new ArrayList<>();
    private long start;
    private int startEpoch;
    private long flushedEnd;
    /** Lowest offset written or truncated since the checker last asked; lets it re-check only that. */
    private long lowestChange = Long.MAX_VALUE;

    @Override
    public long startOffset() {
        return start;
    }

    @Override
    public int startEpoch() {
        return startEpoch;
    }

    @Override
    public long endOffset() {
        return start + entries.size();
    }

    @Override
    public long flushedEndOffset() {
        return flushedEnd;
    }

    @Override
    public LogEntry entry(long offset) {
        if (offset < start || offset >= endOffset()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside [" + start + ", " + endOffset() + ")");
        }
        return entries.get((int) (offset - start));
    }

    @Override
    public void append(LogEntry entry) {
        if (entry.offset() != endOffset()) {
            throw new IllegalArgumentException("append at " + entry.offset() + " but log ends at " + endOffset());
        }
        lowestChange = Math.min(lowestChange, entry.offset());
        entries.add(entry);
    }

    @Override
    public void truncateTo(long offset) {
        if (offset < endOffset()) {
            lowestChange = Math.min(lowestChange, offset);
            entries.subList((int) (Math.max(offset, start) - start), entries.size()).clear();
            flushedEnd = Math.min(flushedEnd, endOffset());
        }
    }

    @Override
    public void truncatePrefix(OffsetAndEpoch snapshotId) {
        long offset = snapshotId.offset();
        if (offset <= start) {
            return;
        }
        boolean keepsSuffix = offset <= endOffset() && entry(offset - 1).epoch() == snapshotId.epoch();
        if (keepsSuffix) {
            entries.subList(0, (int) (offset - start)).clear();
        } else {
            lowestChange = Math.min(lowestChange, offset);
            entries.clear();
        }
        start = offset;
        startEpoch = snapshotId.epoch();
        flushedEnd = Math.max(flushedEnd, start);
    }

    @Override
    public void flush() {
        flushedEnd = endOffset();
    }

    /** A crash: everything flushed survives, plus some prefix of the unflushed tail. */
    public void crash(Random random) {
        long unflushed = endOffset() - flushedEnd;
        long kept = unflushed == 0 ? 0 : random.nextInt((int) unflushed + 1);
        truncateTo(flushedEnd + kept);
    }

    /** The lowest offset changed since the previous call (Long.MAX_VALUE if none). */
    public long takeLowestChange() {
        long value = lowestChange;
        lowestChange = Long.MAX_VALUE;
        return value;
    }
}
