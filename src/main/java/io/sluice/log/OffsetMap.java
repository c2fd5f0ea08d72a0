package io.sluice.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Key → latest offset for one cleaning pass, bounded in memory by {@code log.cleaner.dedupe.buffer.size}.
 *
 * <p>Keys are stored as their 128-bit MD5 digest, as Kafka's cleaner does: 24 bytes per entry whatever the key size,
 * and a collision (which would drop a live value) is astronomically unlikely. The table is open-addressed with linear
 * probing and grows by doubling up to the memory bound, so a small log does not pay for the full buffer. Not
 * thread-safe: each cleaner thread owns one.
 */
final class OffsetMap {
    /** Bytes one entry costs: two longs of digest and one long offset. */
    static final int ENTRY_BYTES = 24;
    /** As Kafka's log.cleaner.io.buffer.load.factor default: keep probes short. */
    private static final double LOAD_FACTOR = 0.9;
    private static final int INITIAL_SLOTS = 1024;

    private final int maxSlots;
    private final MessageDigest md5;
    private long[] hi;
    private long[] lo;
    private long[] offsets;
    private boolean[] used;
    private int size;

    OffsetMap(long memoryBytes) {
        long slots = Math.max(INITIAL_SLOTS, Math.min(memoryBytes / ENTRY_BYTES, 1 << 30));
        this.maxSlots = Integer.highestOneBit((int) slots); // a power of two, so a mask picks the slot
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
        allocate(Math.min(INITIAL_SLOTS, maxSlots));
    }

    private void allocate(int slots) {
        hi = new long[slots];
        lo = new long[slots];
        offsets = new long[slots];
        used = new boolean[slots];
        size = 0;
    }

    /** True when one more key might not fit: the caller stops adding at a segment boundary before this happens. */
    boolean isFull() {
        return size >= (long) (maxSlots * LOAD_FACTOR);
    }

    int size() {
        return size;
    }

    /** Maximum number of distinct keys this map can hold. */
    long capacity() {
        return (long) (maxSlots * LOAD_FACTOR);
    }

    void clear() {
        Arrays.fill(used, false);
        size = 0;
    }

    /** Records offset as the latest of key (callers add in increasing offset order). */
    void put(ByteBuffer key, long offset) {
        if (size + 1 > (long) (hi.length * LOAD_FACTOR)) {
            if (hi.length >= maxSlots) throw new IllegalStateException("Offset map is full (" + size + " keys)");
            grow();
        }
        long[] d = digest(key);
        insert(d[0], d[1], offset);
    }

    /** The latest offset recorded for key, or -1. */
    long get(ByteBuffer key) {
        long[] d = digest(key);
        int mask = hi.length - 1;
        for (int i = slot(d[0], d[1], mask); used[i]; i = (i + 1) & mask)
            if (hi[i] == d[0] && lo[i] == d[1]) return offsets[i];
        return -1;
    }

    private void insert(long h, long l, long offset) {
        int mask = hi.length - 1;
        int i = slot(h, l, mask);
        while (used[i]) {
            if (hi[i] == h && lo[i] == l) {
                offsets[i] = offset;
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        hi[i] = h;
        lo[i] = l;
        offsets[i] = offset;
        size++;
    }

    private void grow() {
        long[] oh = hi, ol = lo, oo = offsets;
        boolean[] ou = used;
        allocate(Math.min(oh.length * 2, maxSlots));
        for (int i = 0; i < oh.length; i++) if (ou[i]) insert(oh[i], ol[i], oo[i]);
    }

    private static int slot(long h, long l, int mask) {
        return (int) (h ^ (h >>> 32) ^ l) & mask;
    }

    private long[] digest(ByteBuffer key) {
        md5.update(key.duplicate());
        ByteBuffer d = ByteBuffer.wrap(md5.digest());
        return new long[] {d.getLong(), d.getLong()};
    }
}
