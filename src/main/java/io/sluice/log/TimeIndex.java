package io.sluice.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Time index: entries of (int64 max timestamp so far, int32 offset relative to the segment base), appended only when
 * the maximum timestamp grows, so timestamps are non-decreasing and binary search works.
 */
final class TimeIndex extends IndexFile {
    static final int ENTRY_SIZE = 12;

    record Entry(long timestamp, long offset) {}

    TimeIndex(Path file, long baseOffset) throws IOException {
        super(file, baseOffset, ENTRY_SIZE);
    }

    /** Appends (timestamp, offset) when timestamp exceeds the last entry's; a full index silently keeps its entries. */
    void maybeAppend(long timestamp, long offset) {
        if (isFull()) return;
        int count = entries();
        if (count > 0 && (timestamp <= timestampAt(count - 1) || offset < offsetAt(count - 1))) return;
        int pos = nextEntryPosition();
        MappedByteBuffer buf = buffer();
        buf.putLong(pos, timestamp);
        buf.putInt(pos + 8, (int) (offset - baseOffset));
        publishEntry();
    }

    /**
     * The last entry whose timestamp is strictly below target, or (NO_TIMESTAMP, baseOffset). Every record at or
     * before that entry's offset has a timestamp below target, so a search for target may start after it.
     */
    Entry lookupBelow(long target) {
        int count = entries();
        int slot = largestLowerBound(target - 1, count);
        return slot < 0 ? new Entry(RecordBatch.NO_TIMESTAMP, baseOffset) : new Entry(timestampAt(slot), offsetAt(slot));
    }

    Entry lastEntry() {
        int count = entries();
        return count == 0 ? new Entry(RecordBatch.NO_TIMESTAMP, baseOffset) : new Entry(timestampAt(count - 1), offsetAt(count - 1));
    }

    /** Removes entries for offsets >= offset. */
    void truncateTo(long offset) {
        int count = entries();
        int keep = 0;
        while (keep < count && offsetAt(keep) < offset) keep++;
        truncateToEntries(keep);
    }

    boolean isConsistent(long nextOffset) {
        int count = entries();
        long prevTs = Long.MIN_VALUE, prevOffset = baseOffset;
        for (int i = 0; i < count; i++) {
            long ts = timestampAt(i), o = offsetAt(i);
            if (ts < prevTs || (i > 0 && ts == prevTs) || o < prevOffset || o >= nextOffset) return false;
            prevTs = ts;
            prevOffset = o;
        }
        return true;
    }

    @Override
    long keyAt(int slot) {
        return timestampAt(slot);
    }

    private long timestampAt(int slot) {
        return buffer().getLong(slot * ENTRY_SIZE);
    }

    private long offsetAt(int slot) {
        return baseOffset + buffer().getInt(slot * ENTRY_SIZE + 8);
    }
}
