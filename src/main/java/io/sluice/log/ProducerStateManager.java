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
 * <p>Transactions (KIP-98): a transactional batch opens its producer's transaction at the batch's base offset unless
 * one is open already; a COMMIT or ABORT marker closes it. The open transactions give the first unstable offset (the
 * last stable offset is the smaller of it and the high watermark); a closed one is reported to the caller, which
 * indexes aborted ones.
 *
 * <p>Expiry (KIP-854): a producer without an open transaction whose last batch (or marker) is older than
 * producer.id.expiration.ms is forgotten, as in Kafka; snapshots taken later do not hold it. A later write of its id
 * is then that of an unknown producer.
 *
 * <p>Snapshot format (big-endian): int32 version=3, int32 producer count, per producer int64 id, int16 epoch,
 * int64 first offset of the open transaction (-1: none), int64 timestamp of its last batch or marker, int32 batch
 * count, per batch int32 firstSeq, int32 lastSeq, int64 firstOffset, int64 lastOffset, int64 timestamp; then an int32
 * CRC32C of everything before it. Version 2 lacks the last timestamp (taken from the newest batch, else -1), version 1
 * also the transaction field (no transaction open); both are still read.
 */
final class ProducerStateManager {
    static final int RETAINED_BATCHES = 5;
    private static final int SNAPSHOT_VERSION = 3;
    private static final int SNAPSHOT_VERSION_WITHOUT_TIMESTAMP = 2;
    private static final int SNAPSHOT_VERSION_WITHOUT_TXN = 1;
    static final long NO_TXN = -1;
    /** Older snapshots are kept only so truncation below the newest one need not replay from the log start. */
    private static final int RETAINED_SNAPSHOTS = 2;

    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

    /**
     * txnFirstOffset: the first offset of the producer's open transaction, or {@link #NO_TXN}; lastTimestamp: the
     * max timestamp of its newest batch or marker, what expiry measures from (as Kafka does).
     */
    record ProducerEntry(short epoch, List<BatchMetadata> batches, long txnFirstOffset, long lastTimestamp) {
        ProducerEntry withBatch(short newEpoch, BatchMetadata batch) {
            List<BatchMetadata> next = new ArrayList<>(newEpoch == epoch ? batches : List.of());
            next.add(batch);
            if (next.size() > RETAINED_BATCHES) next.remove(0);
            return new ProducerEntry(newEpoch, List.copyOf(next), txnFirstOffset, batch.timestamp());
        }

        boolean expired(long nowMs, long expirationMs) {
            return txnFirstOffset == NO_TXN && nowMs - lastTimestamp >= expirationMs;
        }
    }

    /** A transaction a COMMIT or ABORT marker at markerOffset closed. */
    record CompletedTxn(long producerId, long firstOffset, long markerOffset, boolean aborted) {}

    private final Path dir;
    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** Open transactions by first offset (unique: each is a batch's base offset), for the first unstable offset. */
    private final java.util.TreeMap<Long, Long> openTxns = new java.util.TreeMap<>();

    ProducerStateManager(Path dir) {
        this.dir = dir;
    }

    Optional<ProducerEntry> entry(long producerId) {
        return Optional.ofNullable(producers.get(producerId));
    }

    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>(producers.size());
        producers.forEach((id, e) -> {
            BatchMetadata last = e.batches().isEmpty() ? null : e.batches().get(e.batches().size() - 1);
            out.add(new ActiveProducer(id, e.epoch(), last == null ? -1 : last.lastSeq(),
                    last == null ? -1 : last.timestamp(), e.txnFirstOffset()));
        });
        return out;
    }

    /** Each producer's newest batch, for producers that have one. */
    void forEachLastBatch(java.util.function.BiConsumer<Long, BatchMetadata> action) {
        for (Map.Entry<Long, ProducerEntry> e : producers.entrySet()) {
            List<BatchMetadata> b = e.getValue().batches();
            if (!b.isEmpty()) action.accept(e.getKey(), b.get(b.size() - 1));
        }
    }

    /** Forgets producers idle for expirationMs without an open transaction (KIP-854); returns how many. */
    int removeExpired(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> e.expired(nowMs, expirationMs));
        return before - producers.size();
    }

    /** The first offset of the oldest open transaction, or {@link #NO_TXN}. */
    long firstUnstableOffset() {
        return openTxns.isEmpty() ? NO_TXN : openTxns.firstKey();
    }

    private void put(long producerId, ProducerEntry entry) {
        ProducerEntry old = producers.put(producerId, entry);
        if (old != null && old.txnFirstOffset() != NO_TXN) openTxns.remove(old.txnFirstOffset());
        if (entry.txnFirstOffset() != NO_TXN) openTxns.put(entry.txnFirstOffset(), producerId);
    }

    /** The transaction a control batch closes, if it is a COMMIT/ABORT marker and its producer had one open. */
    static java.util.Optional<CompletedTxn> completedBy(ProducerEntry before, RecordBatch batch) {
        if (!batch.isControlBatch() || before == null || before.txnFirstOffset() == NO_TXN) return Optional.empty();
        java.util.Iterator<org.apache.kafka.common.record.internal.Record> it = batch.iterator();
        if (!it.hasNext()) return Optional.empty();
        org.apache.kafka.common.record.internal.ControlRecordType type =
                org.apache.kafka.common.record.internal.ControlRecordType.parse(it.next().key());
        if (type != org.apache.kafka.common.record.internal.ControlRecordType.ABORT
                && type != org.apache.kafka.common.record.internal.ControlRecordType.COMMIT) return Optional.empty();
        return Optional.of(new CompletedTxn(batch.producerId(), before.txnFirstOffset(), batch.baseOffset(),
                type == org.apache.kafka.common.record.internal.ControlRecordType.ABORT));
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

        /**
         * Leader-side checks: epoch fencing, and sequence continuity for a client batch. Coordinators (markers,
         * transactional offset commits) write without sequences: only their epoch is checked.
         */
        void validate(RecordBatch batch, boolean fromCoordinator) {
            ProducerEntry e = current(batch.producerId());
            if (e == null) return; // unknown producer: accepted at any sequence (Kafka 2.5+)
            if (batch.producerEpoch() < e.epoch())
                throw new InvalidProducerEpochException("Producer " + batch.producerId() + " epoch " + batch.producerEpoch()
                        + " is older than the current epoch " + e.epoch());
            if (batch.isControlBatch() || fromCoordinator) return;
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

        /** Records a batch whose offsets are final; returns the transaction it completes, if it is a marker. */
        Optional<CompletedTxn> update(RecordBatch batch) {
            ProducerEntry before = current(batch.producerId());
            staged.put(batch.producerId(), apply(before, batch));
            return completedBy(before, batch);
        }

        void commit() {
            staged.forEach(ProducerStateManager.this::put);
        }
    }

    private static ProducerEntry apply(ProducerEntry e, RecordBatch batch) {
        short epoch = batch.producerEpoch();
        if (e == null) e = new ProducerEntry(epoch, List.of(), NO_TXN, batch.maxTimestamp());
        if (batch.isControlBatch()) {
            // A transaction marker carries the producer's epoch but no sequence; a newer epoch starts with no batches.
            // Any marker (COMMIT or ABORT) closes the open transaction.
            return new ProducerEntry(epoch, epoch > e.epoch() ? List.of() : e.batches(), NO_TXN, batch.maxTimestamp());
        }
        if (batch.isTransactional() && e.txnFirstOffset() == NO_TXN)
            e = new ProducerEntry(e.epoch(), e.batches(), batch.baseOffset(), e.lastTimestamp());
        return e.withBatch(epoch, new BatchMetadata(batch.baseSequence(), batch.lastSequence(), batch.baseOffset(),
                batch.lastOffset(), batch.maxTimestamp()));
    }

    /** Rebuild from the log: no checks, the log is the truth. Returns the transaction a marker completes. */
    Optional<CompletedTxn> replay(RecordBatch batch) {
        if (!batch.hasProducerId()) return Optional.empty();
        ProducerEntry before = producers.get(batch.producerId());
        put(batch.producerId(), apply(before, batch));
        return completedBy(before, batch);
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
        openTxns.clear();
        TreeSet<Long> offsets = snapshotOffsets();
        for (Long o : offsets.tailSet(maxOffset, false)) Files.deleteIfExists(LogFiles.snapshot(dir, o));
        for (Long o : offsets.headSet(maxOffset, true).descendingSet()) {
            Optional<Map<Long, ProducerEntry>> state = deserialize(Files.readAllBytes(LogFiles.snapshot(dir, o)));
            if (state.isPresent()) {
                state.get().forEach(this::put);
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
        for (ProducerEntry e : producers.values()) size += 30 + e.batches().size() * 32;
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putInt(SNAPSHOT_VERSION).putInt(producers.size());
        for (Map.Entry<Long, ProducerEntry> p : producers.entrySet()) {
            buf.putLong(p.getKey()).putShort(p.getValue().epoch()).putLong(p.getValue().txnFirstOffset())
                    .putLong(p.getValue().lastTimestamp()).putInt(p.getValue().batches().size());
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
        int version = buf.getInt();
        if (version < SNAPSHOT_VERSION_WITHOUT_TXN || version > SNAPSHOT_VERSION) return Optional.empty();
        Map<Long, ProducerEntry> out = new HashMap<>();
        int count = buf.getInt();
        for (int i = 0; i < count; i++) {
            long id = buf.getLong();
            short epoch = buf.getShort();
            long txnFirstOffset = version >= SNAPSHOT_VERSION_WITHOUT_TIMESTAMP ? buf.getLong() : NO_TXN;
            long lastTimestamp = version == SNAPSHOT_VERSION ? buf.getLong() : -1;
            int n = buf.getInt();
            List<BatchMetadata> batches = new ArrayList<>(n);
            for (int j = 0; j < n; j++)
                batches.add(new BatchMetadata(buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
            if (version < SNAPSHOT_VERSION && n > 0) lastTimestamp = batches.get(n - 1).timestamp();
            out.put(id, new ProducerEntry(epoch, List.copyOf(batches), txnFirstOffset, lastTimestamp));
        }
        return Optional.of(out);
    }
}
