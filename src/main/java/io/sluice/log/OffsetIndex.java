package io.sluice.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/** Sparse offset index: entries of (int32 offset relative to the segment base, int32 position in the .log file). */
final class OffsetIndex extends IndexFile {
    static final int ENTRY_SIZE = 8;

    record Entry(long offset, int position) {}

    OffsetIndex(Path file, long baseOffset) throws IOException {
        super(file, baseOffset, ENTRY_SIZE);
    }

    void append(long offset, int position) {
        int count = entries();
        if (count > 0 && offset <= offsetAt(count - 1))
            throw new IllegalStateException("Offset index entries must increase: " + offset + " after " + offsetAt(count - 1));
        int pos = nextEntryPosition();
        MappedByteBuffer buf = buffer();
        buf.putInt(pos, (int) (offset - baseOffset));
        buf.putInt(pos + 4, position);
        publishEntry();
    }

    /** The largest entry with offset <= target, or (baseOffset, 0): a position from which to scan for target. */
    Entry lookup(long target) {
        int count = entries();
        int slot = largestLowerBound(target - baseOffset, count);
        return slot < 0 ? new Entry(baseOffset, 0) : new Entry(offsetAt(slot), positionAt(slot));
    }

    /** Removes entries for offsets >= offset. */
    void truncateTo(long offset) {
        int slot = largestLowerBound(offset - baseOffset - 1, entries());
        truncateToEntries(slot + 1);
    }

    Entry lastEntry() {
        int count = entries();
        return count == 0 ? new Entry(baseOffset, 0) : new Entry(offsetAt(count - 1), positionAt(count - 1));
    }

    /** Entries strictly increase in offset (and never sit at the base offset, which is never indexed) and in position. */
    boolean isConsistent(int logSize) {
        int count = entries();
        long prevOffset = baseOffset;
        int prevPosition = -1;
        for (int i = 0; i < count; i++) {
            long o = offsetAt(i);
            int p = positionAt(i);
            if (o <= prevOffset || p <= prevPosition || p >= logSize) return false;
            prevOffset = o;
            prevPosition = p;
        }
        return true;
    }

    @Override
    long keyAt(int slot) {
        return buffer().getInt(slot * ENTRY_SIZE);
    }

    private long offsetAt(int slot) {
        return baseOffset + buffer().getInt(slot * ENTRY_SIZE);
    }

    private int positionAt(int slot) {
        return buffer().getInt(slot * ENTRY_SIZE + 4);
    }
}
