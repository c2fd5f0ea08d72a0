package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.Crc32C;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the metadata of its last 5 batches
 * (the most a producer has in flight), enough to answer a retried batch with its original offsets.
 *
 * <p>Persistence: a snapshot {@code <20-digit offset>.snapshot} holds the state after every batch below that offset.
 * Snapshots are written on segment roll and on clean close; loading takes the newest snapshot at or below the log end
 * and replays the batches after it, so an unclean shutdown costs at most one segment of replay. Only the
 * partition's writer touches this class.
 *
 * <p>Snapshot format (big-endian): int32 version=1, int32 producer count, per producer int64 id, int16 epoch,
 * int32 batch count, per batch int32 firstSeq, int32 lastSeq, int64 firstOffset, int64 lastOffset, int64 timestamp;
 * then an int32 CRC32C of everything before it.
 */
final class ProducerStateManager {
    static final int RETAINED_BATCHES = 5;
    private static final int SNAPSHOT_VERSION = 1;
    /** Older snapshots are kept only so truncation below the newest one need not replay from the log start. */
    private static final int RETAINED_SNAPSHOTS = 2;

    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

    record ProducerEntry(short epoch, List<BatchMetadata> batches) {
        ProducerEntry withBatch(short newEpoch, BatchMetadata batch) {
            List<BatchMetadata> next = new ArrayList<>(newEpoch == epoch ? batches : List.of());
            next.add(batch);
            if (next.size() > RETAINED_BATCHES) next.remove(0);
            return new ProducerEntry(newEpoch, List.copyOf(next));
        }
    }

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    Optional<ProducerEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    /** Each producer's newest batch, for producers that have one. */
    void forEachLastBatch(java.util.function.BiConsumer<Long, BatchMetadata> action) {
        for (Map.Entry<Long, ProducerEntry> e : producers.entrySet()) {
            List<BatchMetadata> b = e.getValue().batches();
            if (!b.isEmpty()) action.accept(e.getKey(), b.get(b.size() - 1));
        }
    }

    Append begin() {
        return new Append();
    }

    /** Checks and staged updates of one append; applied with {@link #commit} only after the bytes are written. */
    final class Append {
        private final Map<Long, ProducerEntry> staged = new HashMap<>();

        private ProducerEntry current(long producerId) {
            ProducerEntry e = staged.get(producerId);
            return e != null ? e : producers.get(producerId);
        }

        /** The original metadata if this batch (same epoch, same sequence range) was already appended. */
        Optional<BatchMetadata> findDuplicate(RecordBatch batch) {
            ProducerEntry e = current(batch.producerId());
            if (e == null || e.epoch() != batch.producerEpoch() || batch.isControlBatch()) return Optional.empty();
            for (BatchMetadata m : e.batches())
                if (m.firstSeq() == batch.baseSequence() && m.lastSeq() == batch.lastSequence()) return Optional.of(m);
            return Optional.empty();
        }

        /** Leader-side checks of a client batch: epoch fencing and sequence continuity. */
        void validate(RecordBatch batch) {
            ProducerEntry e = current(batch.producerId());
            if (e == null) return; // unknown producer: accepted at any sequence (Kafka 2.5+)
            if (batch.producerEpoch() < e.epoch())
                throw new InvalidProducerEpochException("Producer " + batch.producerId() + " epoch " + batch.producerEpoch()
                        + " is older than the current epoch " + e.epoch());
            if (batch.isControlBatch()) return;
            if (batch.producerEpoch() > e.epoch()) {
                if (batch.baseSequence() != 0)
                    throw new OutOfOrderSequenceException("New epoch " + batch.producerEpoch() + " of producer "
                            + batch.producerId() + " must start at sequence 0, got " + batch.baseSequence());
                return;
            }
            if (e.batches().isEmpty()) return;
            int lastSeq = e.batches().get(e.batches().size() - 1).lastSeq();
            if (batch.baseSequence() != DefaultRecordBatch.incrementSequence(lastSeq, 1))
                throw new OutOfOrderSequenceException("Out of order sequence for producer " + batch.producerId()
                        + ": expected " + DefaultRecordBatch.incrementSequence(lastSeq, 1) + ", got " + batch.baseSequence());
        }

        /** Records a batch whose offsets are final. */
        void update(RecordBatch batch) {
            staged.put(batch.producerId(), apply(current(batch.producerId()), batch));
        }

        void commit() {
            producers.putAll(staged);
        }
    }

    private static ProducerEntry apply(ProducerEntry e, RecordBatch batch) {
        short epoch = batch.producerEpoch();
        if (e == null) e = new ProducerEntry(epoch, List.of());
        if (batch.isControlBatch()) {
            // A transaction marker carries the producer's epoch but no sequence; a newer epoch starts with no batches.
            return epoch > e.epoch() ? new ProducerEntry(epoch, List.of()) : e;
        }
        return e.withBatch(epoch, new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                batch.lastOffset(), batch.maxTimestamp()));
    }

    /** Rebuild from the log: no checks, the log is the truth. */
    void replay(RecordBatch batch) {
        if (batch.hasProducerId()) producers.put(batch.producerId(), apply(producers.get(batch.producerId()), batch));
    }

    void takeSnapshot(long offset) throws IOException {
        ByteBuffer buf = serialize();
        Path target = LogFiles.snapshot(dir, offset);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        TreeSet<Long> offsets = snapshotOffsets();
        while (offsets.size() > RETAINED_SNAPSHOTS) Files.deleteIfExists(LogFiles.snapshot(dir, offsets.pollFirst()));
    }

    /**
     * Replaces the state with the newest readable snapshot at or below maxOffset, deleting snapshots above it.
     * Returns the snapshot's offset (replay starts there), or -1 if none could be loaded (replay from the log start).
     */
    long loadSnapshotAtOrBelow(long maxOffset) throws IOException {
        producers.clear();
        TreeSet<Long> offsets = snapshotOffsets();
        for (Long o : offsets.tailSet(maxOffset, false)) Files.deleteIfExists(LogFiles.snapshot(dir, o));
        for (Long o : offsets.headSet(maxOffset, true).descendingSet()) {
            Optional<Map<Long, ProducerEntry>> state = deserialize(Files.readAllBytes(LogFiles.snapshot(dir, o)));
            if (state.isPresent()) {
                producers.putAll(state.get());
                return o;
            }
            Files.deleteIfExists(LogFiles.snapshot(dir, o)); // corrupt: fall back to an older one
        }
        return -1;
    }

    private TreeSet<Long> snapshotOffsets() throws IOException {
        TreeSet<Long> out = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + LogFiles.SNAPSHOT)) {
            for (Path p : ds) {
                long o = LogFiles.offsetOf(p.getFileName().toString(), LogFiles.SNAPSHOT);
                if (o >= 0) out.add(o);
            }
        }
        return out;
    }

    private ByteBuffer serialize() {
        int size = 8 + 4;
        for (ProducerEntry e : producers.values()) size += 14 + e.batches().size() * 32;
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(SNAPSHOT_VERSION).putInt(producers.size());
        for (Map.Entry<Long, ProducerEntry> p : producers.entrySet()) {
            buf.putLong(p.getKey()).putShort(p.getValue().epoch()).putInt(p.getValue().batches().size());
            for (BatchMetadata m : p.getValue().batches())
                buf.putInt(m.firstSeq()).putInt(m.lastSeq()).putLong(m.firstOffset()).putLong(m.lastOffset()).putLong(m.timestamp());
        }
        buf.putInt((int) Crc32C.compute(buf.array(), 0, size - 4));
        return buf.flip();
    }

    private static Optional<Map<Long, ProducerEntry>> deserialize(byte[] bytes) {
        if (bytes.length < 12) return Optional.empty();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        if (buf.getInt(bytes.length - 4) != (int) Crc32C.compute(bytes, 0, bytes.length - 4)) return Optional.empty();
        if (buf.getInt() != SNAPSHOT_VERSION) return Optional.empty();
        Map<Long, ProducerEntry> out = new HashMap<>();
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            short epoch = buf.getShort();
            int n = buf.getInt();
            List<BatchMetadata> batches = new ArrayList<>(n);
            for (int j = 0; j < n; j++)
                batches.add(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            out.put(id, new ProducerEntry(epoch, List.copyOf(batches)));
        }
        return Optional.of(out);
    }
}
