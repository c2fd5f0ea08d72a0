package io.sluice.log;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A memory-mapped file of fixed-size, big-endian entries sorted by key (Kafka's index file layout).
 *
 * <p>One writer (the partition's appender) and lock-free readers: the writer stores an entry with absolute puts and
 * then publishes it by writing the volatile entry count; a reader reads the count first and only entries below it.
 * Mappings are never unmapped explicitly, because a reader may still be using the old one; the GC releases them.
 */
abstract class IndexFile {
    private final int entrySize;
    final long baseOffset;
    private volatile Path file;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;

    /** Maps the file at its current length; every whole entry on disk counts, so a preallocated tail fails {@link #isConsistent}. */
    IndexFile(Path file, long baseOffset, int entrySize) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        long length = Files.exists(file) ? Files.size(file) : 0;
        map((int) (length - length % entrySize));
        entries = maxEntries;
    }

    private void map(int length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
            mmap = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        maxEntries = length / entrySize;
    }

    /** Makes room for {@code maxBytes} of entries (the active segment's index is preallocated, as Kafka does). */
    final void resize(int maxBytes) throws IOException {
        map(Math.max(maxBytes - maxBytes % entrySize, entries * entrySize));
    }

    /** Shrinks the file to the used entries, so an inactive index on disk is exactly its entries. */
    final void trimToValidSize() throws IOException {
        if (maxEntries != entries) map(entries * entrySize);
    }

    final int entries() {
        return entries;
    }

    final int entriesRemaining() {
        return maxEntries - entries;
    }

    final boolean isFull() {
        return entries >= maxEntries;
    }

    /** Drops every entry at or after {@code slot}. */
    final void truncateToEntries(int slot) {
        entries = Math.min(entries, slot);
    }

    final MappedByteBuffer buffer() {
        return mmap;
    }

    /** Byte position of the next free entry; the caller writes it and then calls {@link #publishEntry}. */
    final int nextEntryPosition() {
        if (isFull()) throw new IllegalStateException("Index " + file + " is full");
        return entries * entrySize;
    }

    final void publishEntry() {
        entries = entries + 1;
    }

    /** Slot of the largest entry whose key is <= target, or -1 if there is none (keys are non-decreasing). */
    final int largestLowerBound(long target, int count) {
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt(mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    abstract long keyAt(int slot);

    final void flush() {
        mmap.force();
    }

    final Path file() {
        return file;
    }

    final void renameTo(Path target) throws IOException {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    final void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }
}
