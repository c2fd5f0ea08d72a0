package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The aborted transactions whose ABORT marker lies in one segment, as Kafka's {@code .txnindex}: fixed entries of
 * int16 version (0), int64 producerId, int64 firstOffset, int64 lastOffset (the marker), int64 lastStableOffset (the
 * partition's LSO once the transaction completed), in marker order. The entries are also kept in memory (a segment
 * holds few), so fetches read them without touching the file; only the partition's writer changes them.
 */
final class TransactionIndex {
    static final int ENTRY_SIZE = 34;
    private static final short VERSION = 0;

    private Path file;
    private final List<AbortedTransaction> entries = new CopyOnWriteArrayList<>();
    private FileChannel channel;

    /** Reads the file if it exists; a torn trailing entry (a crash mid-write) is dropped. */
    TransactionIndex(Path file) throws IOException {
        this.file = file;
        if (!Files.exists(file)) return;
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<AbortedTransaction> read = new ArrayList<>();
        while (buf.remaining() >= ENTRY_SIZE) {
            short version = buf.getShort();
            if (version != VERSION) break;
            read.add(new AbortedTransaction(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong()));
        }
        entries.addAll(read);
        if ((long) read.size() * ENTRY_SIZE != bytes.length) rewrite();
    }

    List<AbortedTransaction> entries() {
        return entries;
    }

    /** The marker offset of the newest entry, or -1. */
    long lastMarkerOffset() {
        return entries.isEmpty() ? -1 : entries.get(entries.size() - 1).lastOffset();
    }

    void append(AbortedTransaction txn) throws IOException {
        if (txn.lastOffset() <= lastMarkerOffset())
            throw new IllegalStateException("Aborted transactions must be indexed in marker order: " + txn);
        ByteBuffer buf = ByteBuffer.allocate(ENTRY_SIZE);
        buf.putShort(VERSION).putLong(txn.producerId()).putLong(txn.firstOffset()).putLong(txn.lastOffset())
                .putLong(txn.lastStableOffset()).flip();
        FileChannel ch = channel();
        long position = (long) entries.size() * ENTRY_SIZE;
        while (buf.hasRemaining()) position += ch.write(buf, position);
        entries.add(txn);
    }

    /** Drops the transactions whose marker is at or above offset (the log was truncated there). */
    void truncateTo(long offset) throws IOException {
        int keep = 0;
        while (keep < entries.size() && entries.get(keep).lastOffset() < offset) keep++;
        if (keep == entries.size()) return;
        entries.subList(keep, entries.size()).clear();
        if (channel != null || Files.exists(file)) channel().truncate((long) keep * ENTRY_SIZE);
    }

    private void rewrite() throws IOException {
        channel().truncate(0);
        List<AbortedTransaction> all = List.copyOf(entries);
        entries.clear();
        for (AbortedTransaction t : all) append(t);
    }

    private FileChannel channel() throws IOException {
        if (channel == null) channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return channel;
    }

    void flush() throws IOException {
        if (channel != null) channel.force(true);
    }

    Path file() {
        return file;
    }

    /** Renames the file if it exists; an open channel stays valid. */
    void renameTo(Path target) throws IOException {
        if (Files.exists(file)) Files.move(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    void close() throws IOException {
        if (channel != null) channel.close();
        channel = null;
    }

    void deleteIfExists() throws IOException {
        close();
        Files.deleteIfExists(file);
    }
}
