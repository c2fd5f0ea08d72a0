package io.sluice.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.jboss.logging.Logger;

/**
 * The log of one partition: a sorted set of segments, the last one active.
 *
 * <p>Concurrency: appends, rolls, truncation, retention and close are serialized by the writer lock. Readers take no
 * lock: they read the volatile log start / log end offsets and the concurrent segment map; data below a published
 * log end offset is always fully written. {@link #flush} runs outside the writer lock (fsync must not stall appends)
 * and is serialized with truncation and file deletion by the flush lock (lock order: writer, then flush).
 *
 * <p>Deleted segments (retention, deleteRecordsBefore, truncation) leave the segment map at once, are renamed to
 * {@code *.deleted}, and are closed and unlinked after {@code file.delete.delay.ms}, so a reader still holding a
 * slice of one can finish sending it.
 *
 * <p>Persistent per-partition state besides segments: {@code log-start-offset} and {@code recovery-point}
 * (single-entry checkpoints; everything below the recovery point is fsynced), {@code leader-epoch-checkpoint}, and
 * producer state snapshots (see {@link ProducerStateManager}).
 */
public final class PartitionLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PartitionLog.class);

    private final Path dir;
    private final TopicPartition topicPartition;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final LeaderEpochCache epochs;
    private final ProducerStateManager producers;
    private final CheckpointFile logStartOffsetFile;
    private final CheckpointFile recoveryPointFile;
    private final Object writeLock = new Object();
    private final Object flushLock = new Object();

    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long recoveryPoint;
    /** The first offset of the oldest open transaction, or -1; published after each append for lock-free readers. */
    private volatile long firstUnstableOffset = ProducerStateManager.NO_TXN;
    private volatile long lastFlushMs;
    private long unflushedMessages;
    private boolean closed;

    private PartitionLog(Path dir, TopicPartition tp, LogConfig config, Clock clock, ScheduledExecutorService scheduler,
            boolean cleanShutdown) throws IOException {
        this.dir = dir;
        this.topicPartition = tp;
        this.config = config;
        this.clock = clock;
        this.scheduler = scheduler;
        Files.createDirectories(dir);
        this.logStartOffsetFile = new CheckpointFile(dir.resolve(LogFiles.LOG_START_OFFSET));
        this.recoveryPointFile = new CheckpointFile(dir.resolve(LogFiles.RECOVERY_POINT));
        long startOffset = logStartOffsetFile.readLong(0);
        long savedRecoveryPoint = recoveryPointFile.readLong(0);
        LogLoader.Loaded loaded = LogLoader.load(dir, config, cleanShutdown, savedRecoveryPoint, startOffset);
        this.segments = loaded.segments();
        this.logEndOffset = loaded.logEndOffset();
        this.logStartOffset = Math.max(startOffset, segments.firstKey());
        this.recoveryPoint = cleanShutdown ? logEndOffset : Math.min(savedRecoveryPoint, logEndOffset);
        this.lastFlushMs = clock.millis();
        this.epochs = new LeaderEpochCache(new CheckpointFile(dir.resolve(LogFiles.LEADER_EPOCH_CHECKPOINT)));
        epochs.truncateFromEnd(logEndOffset);
        epochs.truncateFromStart(logStartOffset);
        this.producers = new ProducerStateManager(dir);
        rebuildProducerState();
    }

    /** Opens (or creates) a partition log; deleted segment files are removed by a shared daemon thread. */
    public static PartitionLog open(Path partitionDir, TopicPartition tp, LogConfig config, boolean cleanShutdown, Clock clock) {
        return open(partitionDir, tp, config, cleanShutdown, clock, SharedScheduler.INSTANCE);
    }

    /** As {@link #open(Path, TopicPartition, LogConfig, boolean, Clock)}, with delayed file deletion run on scheduler. */
    public static PartitionLog open(Path partitionDir, TopicPartition tp, LogConfig config, boolean cleanShutdown, Clock clock,
            ScheduledExecutorService scheduler) {
        try {
            return new PartitionLog(partitionDir, tp, config, clock, scheduler, cleanShutdown);
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot load log " + partitionDir, e);
        }
    }

    // ---------------------------------------------------------------- append

    /**
     * Appends batches from a producer (or, with assignOffsets=false, batches whose offsets are already final and must
     * continue at the log end). Batches are validated first; any failure appends nothing.
     */
    public LogAppendResult append(MemoryRecords records, int leaderEpoch, boolean assignOffsets) {
        return doAppend(records, leaderEpoch, assignOffsets, true, false);
    }

    /**
     * Appends a coordinator's batches as leader: transaction markers (control batches) and transactional offset
     * commits, written for a producer. Their sequences are not checked (the coordinator does not track the producer's);
     * the producer epoch is, so a marker of an older epoch than the partition has seen is refused.
     */
    public LogAppendResult appendAsCoordinator(MemoryRecords records, int leaderEpoch) {
        return doAppend(records, leaderEpoch, true, true, true);
    }

    /** Appends replicated batches as they are: offsets, leader epochs and timestamps kept; producer sequences not enforced. */
    public LogAppendResult appendAsFollower(MemoryRecords records) {
        return doAppend(records, -1, false, false, false);
    }

    private LogAppendResult doAppend(MemoryRecords records, int leaderEpoch, boolean assignOffsets, boolean asLeader,
            boolean fromCoordinator) {
        LogConfig cfg = config;
        // A follower of a compacted log copies batches as the leader's cleaner left them.
        BatchValidator.Summary summary = BatchValidator.validate(records, cfg, !asLeader && cfg.compacted());
        boolean flushNow = false;
        LogAppendResult result;
        synchronized (writeLock) {
            ensureOpen();
            long now = clock.millis();
            boolean logAppendTime = asLeader && cfg.messageTimestampType() == TimestampType.LOG_APPEND_TIME;
            ProducerStateManager.Append producerAppend = producers.begin();
            long nextOffset = logEndOffset;
            long firstOffset = -1;
            List<ProducerStateManager.CompletedTxn> completed = new ArrayList<>(0);
            for (MutableRecordBatch batch : records.batches()) {
                if (asLeader && batch.isControlBatch() && !fromCoordinator)
                    throw new InvalidRecordException("Clients must not write control batches");
                if (asLeader && batch.hasProducerId()) {
                    if (!fromCoordinator) {
                        Optional<ProducerStateManager.BatchMetadata> dup = producerAppend.findDuplicate(batch);
                        if (dup.isPresent()) return duplicateResult(dup.get(), logAppendTime);
                    }
                    producerAppend.validate(batch, fromCoordinator);
                }
                if (assignOffsets) {
                    batch.setLastOffset(nextOffset + (batch.lastOffset() - batch.baseOffset()));
                } else if (batch.baseOffset() < nextOffset || (batch.baseOffset() > nextOffset && !cfg.compacted())) {
                    // Only a compacted source log may legitimately have offset gaps between batches.
                    throw new InvalidRecordException("Batch base offset " + batch.baseOffset() + " does not continue the log at " + nextOffset);
                }
                if (asLeader) batch.setPartitionLeaderEpoch(leaderEpoch);
                if (logAppendTime) batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
                if (batch.hasProducerId()) producerAppend.update(batch).ifPresent(completed::add);
                if (firstOffset < 0) firstOffset = batch.baseOffset();
                nextOffset = batch.nextOffset();
            }
            try {
                LogSegment active = segments.lastEntry().getValue();
                if (active.shouldRoll(records.sizeInBytes(), summary.batches(), nextOffset - 1, now, cfg)) active = roll();
                active.append(records, now);
                producerAppend.commit();
                for (ProducerStateManager.CompletedTxn txn : completed) indexIfAborted(active, txn);
                firstUnstableOffset = producers.firstUnstableOffset();
                if (asLeader) {
                    epochs.assign(leaderEpoch, firstOffset);
                } else {
                    for (RecordBatch b : records.batches()) epochs.assign(b.partitionLeaderEpoch(), b.baseOffset());
                }
            } catch (IOException e) {
                throw new KafkaStorageException("Append to " + topicPartition + " failed", e);
            }
            logEndOffset = nextOffset;
            unflushedMessages += summary.records();
            if (unflushedMessages >= cfg.flushIntervalMessages()) {
                unflushedMessages = 0;
                flushNow = true;
            }
            result = new LogAppendResult(firstOffset, nextOffset - 1, logAppendTime ? now : RecordBatch.NO_TIMESTAMP,
                    logStartOffset, summary.records(), records.sizeInBytes(), false);
        }
        if (flushNow) flush();
        return result;
    }

    /** Adds an aborted transaction to the index of the segment holding its marker. */
    private void indexIfAborted(LogSegment segment, ProducerStateManager.CompletedTxn txn) throws IOException {
        if (!txn.aborted()) return;
        long stable = producers.firstUnstableOffset();
        long lastStable = stable == ProducerStateManager.NO_TXN ? txn.markerOffset() + 1 : Math.min(stable, txn.markerOffset() + 1);
        segment.indexAborted(new AbortedTransaction(txn.producerId(), txn.firstOffset(), txn.markerOffset(), lastStable));
    }

    private LogAppendResult duplicateResult(ProducerStateManager.BatchMetadata m, boolean logAppendTime) {
        return new LogAppendResult(m.firstOffset(), m.lastOffset(), logAppendTime ? m.timestamp() : RecordBatch.NO_TIMESTAMP,
                logStartOffset, (int) (m.lastOffset() - m.firstOffset() + 1), 0, true);
    }

    /** Closes the active segment and starts a new one at the log end; snapshots producer state at the boundary. */
    private LogSegment roll() throws IOException {
        LogSegment old = segments.lastEntry().getValue();
        long base = logEndOffset;
        if (old.baseOffset == base) return old;
        old.makeInactive();
        producers.takeSnapshot(base);
        LogSegment next = LogSegment.create(dir, base, config);
        segments.put(base, next);
        return next;
    }

    // ---------------------------------------------------------------- read

    /**
     * Whole batches from one segment, starting with the batch that holds fetchOffset, all ending below
     * min(maxOffsetExclusive, log end), at most maxBytes unless minOneMessage lets the first batch alone exceed it.
     */
    public FetchResult read(long fetchOffset, int maxBytes, long maxOffsetExclusive, boolean minOneMessage) {
        long end = logEndOffset;
        long start = logStartOffset;
        if (fetchOffset < start || fetchOffset > end) throw outOfRange(fetchOffset, start, end);
        long limit = Math.min(maxOffsetExclusive, end);
        Records records = MemoryRecords.EMPTY;
        if (fetchOffset < limit) {
            Map.Entry<Long, LogSegment> e = segments.floorEntry(fetchOffset);
            if (e == null) throw outOfRange(fetchOffset, logStartOffset, end); // its segment was deleted meanwhile
            while (e != null) {
                Records r = e.getValue().read(fetchOffset, maxBytes, limit, minOneMessage);
                if (r != null) {
                    records = r;
                    break;
                }
                e = segments.higherEntry(e.getKey());
            }
        }
        return new FetchResult(records, start, end);
    }

    private OffsetOutOfRangeException outOfRange(long offset, long start, long end) {
        return new OffsetOutOfRangeException("Offset " + offset + " is out of range [" + start + ", " + end + "] for " + topicPartition);
    }

    /** The first record at or after the log start whose timestamp is >= timestamp (ListOffsets by time). */
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        for (LogSegment s : segments.values()) {
            Optional<TimestampAndOffset> found = s.findOffsetByTimestamp(timestamp, start);
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    /** Timestamp and offset of the first record carrying the largest timestamp (ListOffsets MAX_TIMESTAMP). */
    public Optional<TimestampAndOffset> maxTimestampAndOffset() {
        LogSegment best = null;
        for (LogSegment s : segments.values()) if (best == null || s.maxTimestamp() > best.maxTimestamp()) best = s;
        if (best == null || best.maxTimestamp() == RecordBatch.NO_TIMESTAMP) return Optional.empty();
        return best.findOffsetByTimestamp(best.maxTimestamp(), logStartOffset);
    }

    // ---------------------------------------------------------------- transactions

    /**
     * The last stable offset (KIP-98): below it every transaction is decided. It is the first offset of the oldest
     * open transaction, capped by the given high watermark.
     */
    public long lastStableOffset(long highWatermark) {
        long unstable = firstUnstableOffset;
        return unstable == ProducerStateManager.NO_TXN ? highWatermark : Math.min(unstable, highWatermark);
    }

    /** The producers this partition knows, with their open transactions (DescribeProducers). */
    public List<ActiveProducer> activeProducers() {
        synchronized (writeLock) {
            return producers.activeProducers();
        }
    }

    /**
     * Forgets idle producers without an open transaction (producer.id.expiration.ms, KIP-854). Under the writer's
     * lock, as every change of producer state; the next snapshot (roll or close) no longer holds them.
     */
    public void removeExpiredProducers(long nowMs, long expirationMs) {
        synchronized (writeLock) {
            int removed = producers.removeExpired(nowMs, expirationMs);
            if (removed > 0) LOG.debugf("Expired %d producer ids of %s", removed, topicPartition);
        }
    }

    /**
     * The aborted transactions with records in [fetchOffset, upperBound): those whose marker is at or after
     * fetchOffset (so they end there or later) and whose first offset is below upperBound. A marker always follows its
     * transaction's records, so only the segments from the one holding fetchOffset on need to be looked at.
     */
    public List<AbortedTransaction> abortedTransactions(long fetchOffset, long upperBound) {
        List<AbortedTransaction> out = new ArrayList<>();
        Long from = segments.floorKey(fetchOffset);
        for (LogSegment s : segments.tailMap(from == null ? segments.firstKey() : from).values()) {
            for (AbortedTransaction t : s.abortedTransactions()) {
                if (t.lastOffset() >= fetchOffset && t.firstOffset() < upperBound) out.add(t);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- offsets and epochs

    public long logStartOffset() {
        return logStartOffset;
    }

    /** Without tiered storage every segment is local, so this equals the log start offset. */
    public long localLogStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }

    public long sizeInBytes() {
        long total = 0;
        for (LogSegment s : segments.values()) total += s.size();
        return total;
    }

    public int segmentCount() {
        return segments.size();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public LogConfig config() {
        return config;
    }

    public int latestEpoch() {
        return epochs.latestEpoch();
    }

    /** OffsetForLeaderEpoch: see {@link LeaderEpochCache#endOffsetFor}. */
    public EpochEndOffset endOffsetForEpoch(int epoch) {
        return epochs.endOffsetFor(epoch, logEndOffset);
    }

    /** Records that epoch starts at startOffset (a new leader does this when it takes over). */
    public void assignEpoch(int epoch, long startOffset) {
        synchronized (writeLock) {
            try {
                epochs.assign(epoch, startOffset);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot write leader epoch checkpoint of " + topicPartition, e);
            }
        }
    }

    // ---------------------------------------------------------------- removing data

    /** Raises the log start offset (DeleteRecords) and deletes the segments that lie wholly below it. */
    public void deleteRecordsBefore(long offset) {
        synchronized (writeLock) {
            ensureOpen();
            if (offset > logEndOffset) throw outOfRange(offset, logStartOffset, logEndOffset);
            if (offset <= logStartOffset) return;
            try {
                advanceLogStartOffset(offset);
                for (LogSegment s : new ArrayList<>(segments.headMap(segments.lastKey()).values())) {
                    Long next = segments.higherKey(s.baseOffset);
                    if (next > offset) break;
                    deleteSegment(s);
                }
            } catch (IOException e) {
                throw new KafkaStorageException("DeleteRecords on " + topicPartition + " failed", e);
            }
        }
    }

    /**
     * Deletes the oldest segments past retention.ms (by their largest timestamp) and while the log exceeds
     * retention.bytes. An expired active segment is rolled first so that it can go. Returns the segments deleted.
     */
    public int applyRetention(long nowMs) {
        LogConfig cfg = config;
        if (!cfg.retentionEnabled()) return 0;
        synchronized (writeLock) {
            if (closed) return 0;
            int deleted = 0;
            try {
                if (cfg.retentionMs() >= 0) {
                    while (true) {
                        LogSegment oldest = segments.firstEntry().getValue();
                        if (oldest.size() == 0 || nowMs - oldest.largestTimestampForRetention() <= cfg.retentionMs()) break;
                        if (oldest == segments.lastEntry().getValue()) roll();
                        deleteSegment(oldest);
                        deleted++;
                    }
                }
                if (cfg.retentionBytes() >= 0) {
                    long excess = sizeInBytes() - cfg.retentionBytes();
                    while (segments.size() > 1 && excess >= segments.firstEntry().getValue().size()) {
                        LogSegment oldest = segments.firstEntry().getValue();
                        excess -= oldest.size();
                        deleteSegment(oldest);
                        deleted++;
                    }
                }
                if (segments.firstKey() > logStartOffset) advanceLogStartOffset(segments.firstKey());
            } catch (IOException e) {
                throw new KafkaStorageException("Retention on " + topicPartition + " failed", e);
            }
            return deleted;
        }
    }

    /** Removes everything at and above offset (a follower diverged from its leader); the log end becomes offset. */
    public void truncateTo(long offset) {
        synchronized (writeLock) {
            ensureOpen();
            if (offset >= logEndOffset) return;
            synchronized (flushLock) {
                try {
                    if (offset < logStartOffset) {
                        replaceWithEmptySegmentAt(offset);
                    } else {
                        for (LogSegment s : new ArrayList<>(segments.tailMap(offset, false).values())) deleteSegment(s);
                        LogSegment last = segments.lastEntry().getValue();
                        logEndOffset = last.truncateTo(offset);
                        last.makeActive(config);
                    }
                    epochs.truncateFromEnd(logEndOffset);
                    if (recoveryPoint > logEndOffset) {
                        recoveryPoint = logEndOffset;
                        recoveryPointFile.writeLong(recoveryPoint);
                    }
                    rebuildProducerState();
                } catch (IOException e) {
                    throw new KafkaStorageException("Truncation of " + topicPartition + " failed", e);
                }
            }
        }
    }

    /**
     * Deletes every segment and restarts the log empty at offset, which may lie beyond the log end: a follower whose
     * fetch position the leader no longer has (retention moved the leader's log start past it) starts over there.
     */
    public void truncateFullyAndStartAt(long offset) {
        synchronized (writeLock) {
            ensureOpen();
            synchronized (flushLock) {
                try {
                    replaceWithEmptySegmentAt(offset);
                    epochs.truncateFromEnd(offset);
                    epochs.truncateFromStart(offset);
                    recoveryPoint = offset;
                    recoveryPointFile.writeLong(offset);
                    rebuildProducerState();
                } catch (IOException e) {
                    throw new KafkaStorageException("Truncation of " + topicPartition + " failed", e);
                }
            }
        }
    }

    private void replaceWithEmptySegmentAt(long offset) throws IOException {
        for (LogSegment s : new ArrayList<>(segments.values())) deleteSegment(s);
        segments.put(offset, LogSegment.create(dir, offset, config));
        logStartOffset = offset;
        logStartOffsetFile.writeLong(offset);
        logEndOffset = offset;
    }

    private void advanceLogStartOffset(long offset) throws IOException {
        // Persist first: after a crash the start offset must not move back and expose deleted records.
        logStartOffsetFile.writeLong(offset);
        logStartOffset = offset;
        epochs.truncateFromStart(offset);
    }

    /** Unlinks the segment from the map now and from disk after file.delete.delay.ms (readers may hold slices). */
    private void deleteSegment(LogSegment s) throws IOException {
        segments.remove(s.baseOffset);
        retire(s);
    }

    /** Renames a segment that already left the map to *.deleted and unlinks it after file.delete.delay.ms. */
    private void retire(LogSegment s) throws IOException {
        s.renameForDeletion();
        scheduler.schedule(() -> {
            synchronized (flushLock) {
                try {
                    s.closeAndDeleteFiles();
                } catch (IOException e) {
                    LOG.warnf(e, "Cannot delete files of %s segment %d", topicPartition, s.baseOffset);
                }
            }
        }, config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- compaction hooks (used by LogCleaner)

    private volatile long cleanerUpperBound = Long.MAX_VALUE;

    /**
     * The offset the cleaner must not clean past: the replica layer sets the high watermark (or last stable offset)
     * here once it differs from the log end, because records above it may still be truncated away, and cleaning must
     * not drop an older value in favour of one that then disappears. Unset (Long.MAX_VALUE): the log end.
     */
    public void setCleanerUpperBound(long offset) {
        cleanerUpperBound = offset;
    }

    long cleanerUpperBound() {
        return Math.min(cleanerUpperBound, logEndOffset);
    }

    /** The live segment map, for the cleaner to read without locking (as fetches do). */
    java.util.NavigableMap<Long, LogSegment> segmentMap() {
        return java.util.Collections.unmodifiableNavigableMap(segments);
    }

    /**
     * Per producer id, the last offset of its newest batch. The cleaner keeps those batches (at least their headers)
     * so that the producer state rebuilt from the log still knows each producer's last sequence.
     */
    Map<Long, Long> lastBatchOffsetsOfProducers() {
        synchronized (writeLock) {
            Map<Long, Long> out = new java.util.HashMap<>();
            producers.forEachLastBatch((pid, last) -> out.put(pid, last.lastOffset()));
            return out;
        }
    }

    /** Called after each file-level step of a swap; tests throw from it to simulate a crash at that point. */
    @FunctionalInterface
    interface SwapStepListener {
        void afterStep(String step) throws IOException;
    }

    /** One cleaned segment and the old segments, contiguous and in order, that it replaces. */
    record CleanedGroup(List<LogSegment> replaced, LogSegment cleaned) {}

    /**
     * Replaces groups of old segments with their cleaned versions, the only moment compaction holds the writer lock.
     * Steps (each recoverable, see {@link LogLoader}): rename every {@code .cleaned} file to {@code .swap}; put each
     * cleaned segment in the map and retire the old ones (renamed {@code .deleted}, closed after file.delete.delay.ms
     * so readers in flight finish); rename {@code .swap} to the final names. Returns false, changing nothing, if any
     * old segment left the map meanwhile (retention, truncation, deletion): the cleaning is then discarded.
     */
    boolean swapCleaned(List<CleanedGroup> groups, SwapStepListener listener) throws IOException {
        synchronized (writeLock) {
            if (closed) return false;
            for (CleanedGroup g : groups)
                for (LogSegment old : g.replaced())
                    if (segments.get(old.baseOffset) != old || old == segments.lastEntry().getValue()) return false;
            synchronized (flushLock) {
                for (CleanedGroup g : groups) {
                    g.cleaned().changeFileSuffix(LogFiles.CLEANED, LogFiles.SWAP);
                    listener.afterStep("swap " + g.cleaned().baseOffset);
                }
                LogFiles.fsyncDir(dir);
                for (CleanedGroup g : groups) {
                    // Put the new segment first: a reader then finds either an old segment or one that covers it.
                    segments.put(g.cleaned().baseOffset, g.cleaned());
                    for (LogSegment old : g.replaced()) {
                        if (old.baseOffset != g.cleaned().baseOffset) segments.remove(old.baseOffset);
                        retire(old);
                        listener.afterStep("delete " + old.baseOffset);
                    }
                }
                for (CleanedGroup g : groups) {
                    g.cleaned().changeFileSuffix(LogFiles.SWAP, "");
                    listener.afterStep("rename " + g.cleaned().baseOffset);
                }
                LogFiles.fsyncDir(dir);
            }
            return true;
        }
    }

    /**
     * Producer state: the newest snapshot at or below the log end, plus a replay of the batches after it. Aborted
     * transactions met in the replay are indexed again where a crash left them out of a segment's index.
     */
    private void rebuildProducerState() throws IOException {
        long snapshotOffset = producers.loadSnapshotAtOrBelow(logEndOffset);
        long from = Math.max(snapshotOffset, segments.firstKey());
        Long firstSegment = segments.floorKey(from);
        for (LogSegment s : segments.tailMap(firstSegment == null ? from : firstSegment).values()) {
            for (RecordBatch batch : s.batchesFrom(from)) {
                if (batch.baseOffset() < from) continue;
                Optional<ProducerStateManager.CompletedTxn> done = producers.replay(batch);
                if (done.isPresent()) indexIfAborted(s, done.get());
            }
        }
        firstUnstableOffset = producers.firstUnstableOffset();
    }

    // ---------------------------------------------------------------- durability and lifecycle

    /** Fsyncs every segment above the recovery point, then moves the recovery point to the log end seen at the start. */
    public void flush() {
        synchronized (flushLock) {
            long end = logEndOffset;
            lastFlushMs = clock.millis();
            if (end <= recoveryPoint) return;
            try {
                Long from = segments.floorKey(recoveryPoint);
                for (LogSegment s : segments.tailMap(from == null ? segments.firstKey() : from).values()) s.flush();
                recoveryPointFile.writeLong(end);
                recoveryPoint = end;
            } catch (IOException e) {
                throw new KafkaStorageException("Flush of " + topicPartition + " failed", e);
            }
        }
    }

    /** Flushes if flush.ms has passed since the last flush; called by the log manager's scheduler. */
    public void flushIfDue(long nowMs) {
        if (nowMs - lastFlushMs >= config.flushIntervalMs()) flush();
    }

    /** New settings apply to the next append, roll and retention pass; existing segments are not rewritten. */
    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    /** Flushes, trims the active indexes and snapshots producer state, so the next open may trust the files. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) return;
            flush();
            try {
                segments.lastEntry().getValue().makeInactive();
                producers.takeSnapshot(logEndOffset);
                for (LogSegment s : segments.values()) s.close();
            } catch (IOException e) {
                throw new KafkaStorageException("Close of " + topicPartition + " failed", e);
            }
            closed = true;
        }
    }

    /** The partition's directory inside its log dir. */
    public Path directory() {
        return dir;
    }

    /** Closes the log and removes its directory. */
    public void delete() {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            throw new KafkaStorageException("Cannot delete " + dir, e);
        }
    }

    private void ensureOpen() {
        if (closed) throw new KafkaStorageException("Log " + topicPartition + " is closed");
    }

    /** Files of segments dropped by a log opened without a scheduler are deleted on this daemon thread. */
    private static final class SharedScheduler {
        static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-log-file-deleter");
            t.setDaemon(true);
            return t;
        });
    }
}
