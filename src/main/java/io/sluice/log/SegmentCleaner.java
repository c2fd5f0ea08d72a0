package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;
import org.jboss.logging.Logger;

/**
 * One cleaning of one log, without the writer lock until the final swap: map the keys of the dirty range to their
 * latest offsets, rewrite every segment from the log start to the end of that range into {@code .cleaned} segments
 * (groups of old segments whose total size fits segment.bytes), then hand them to {@link PartitionLog#swapCleaned}.
 * Offsets never change; removed records leave gaps.
 */
final class SegmentCleaner {
    private static final Logger LOG = Logger.getLogger(SegmentCleaner.class);

    /** What a cleaning did; {@code end} is the new clean offset of the log. */
    record Result(long firstDirty, long end, int segmentsBefore, int segmentsAfter, long bytesRead, long bytesWritten,
            long earliestTombstoneHorizon) {}

    private final PartitionLog log;
    private final int ioBufferSize;
    private final long dedupeBytes;
    private final PartitionLog.SwapStepListener listener;
    private final java.util.function.BooleanSupplier aborted;

    SegmentCleaner(PartitionLog log, int ioBufferSize, long dedupeBytes, PartitionLog.SwapStepListener listener,
            java.util.function.BooleanSupplier aborted) {
        this.log = log;
        this.ioBufferSize = ioBufferSize;
        this.dedupeBytes = dedupeBytes;
        this.listener = listener;
        this.aborted = aborted;
    }

    /**
     * Cleans [log start, upTo) using the keys of [firstDirty, upTo); upTo is a segment base below the active segment.
     * Returns null when the log changed under us (the cleaning is discarded and nothing changes).
     */
    Result clean(long firstDirty, long upTo, long nowMs) throws IOException {
        LogConfig cfg = log.config();
        NavigableMap<Long, LogSegment> segments = log.segmentMap();
        OffsetMap keys = new OffsetMap(dedupeBytes);
        long end = buildKeyMap(segments, keys, firstDirty, upTo);
        if (end <= segments.firstKey()) return null;
        Map<Long, Long> lastBatchOfProducer = log.lastBatchOffsetsOfProducers();
        long deleteRetention = Math.min(cfg.deleteRetentionMs(), Long.MAX_VALUE - nowMs); // horizon must not overflow
        List<PartitionLog.CleanedGroup> groups = new ArrayList<>();
        long bytesRead = 0, bytesWritten = 0, horizon = Long.MAX_VALUE;
        int before = 0;
        try {
            for (List<LogSegment> group : groupSegments(segments.headMap(end, false), cfg)) {
                if (aborted.getAsBoolean()) throw new IOException("Cleaning of " + log.topicPartition() + " aborted");
                LogSegment last = group.get(group.size() - 1);
                long groupBytes = 0;
                for (LogSegment s : group) groupBytes += s.size();
                // Index entries are at most one per index.interval.bytes and one per batch of the input, plus the final one.
                long maxEntries = groupBytes / Math.max(cfg.indexIntervalBytes(), DefaultRecordBatch.RECORD_BATCH_OVERHEAD) + 2;
                int indexBytes = (int) Math.min(Integer.MAX_VALUE - 64, Math.max(cfg.segmentIndexBytes(), maxEntries * TimeIndex.ENTRY_SIZE));
                LogSegment cleaned = LogSegment.createCleaned(log.directory(), group.get(0).baseOffset, cfg, indexBytes);
                groups.add(new PartitionLog.CleanedGroup(group, cleaned));
                CleaningFilter filter = new CleaningFilter(nowMs, deleteRetention, keys, lastBatchOfProducer, last.readNextOffset() - 1);
                for (LogSegment s : group) {
                    bytesRead += s.size();
                    copyFiltered(s, cleaned, filter, nowMs);
                    // Transactional batches and markers are kept as they are, so their aborted-transaction entries are too.
                    for (AbortedTransaction t : s.abortedTransactions()) cleaned.indexAborted(t);
                }
                horizon = Math.min(horizon, filter.earliestTombstoneHorizon());
                cleaned.makeInactive();
                cleaned.flush();
                bytesWritten += cleaned.size();
                before += group.size();
            }
            listener.afterStep("cleaned");
            if (aborted.getAsBoolean()) throw new IOException("Cleaning of " + log.topicPartition() + " aborted");
            if (!log.swapCleaned(groups, listener)) {
                discard(groups);
                return null;
            }
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof SimulatedCrash)) discard(groups);
            throw e;
        }
        return new Result(firstDirty, end, before, groups.size(), bytesRead, bytesWritten, horizon);
    }

    /** Thrown by test listeners to stop a cleaning dead, leaving its files as a crash would. */
    static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(String step) {
            super("simulated crash after " + step);
        }
    }

    private void discard(List<PartitionLog.CleanedGroup> groups) {
        for (PartitionLog.CleanedGroup g : groups) {
            try {
                g.cleaned().closeAndDeleteFiles();
            } catch (IOException e) {
                LOG.warnf(e, "Cannot delete cleaned segment %d of %s", g.cleaned().baseOffset, log.topicPartition());
            }
        }
    }

    /**
     * Records the latest offset of every key in [firstDirty, upTo). If the map fills up, the range ends at the base of
     * the segment being read: keys already taken from that segment point past the cleaned range, which only makes
     * older copies of those keys go (their newer value stays in the uncleaned part), never a latest value.
     */
    private long buildKeyMap(NavigableMap<Long, LogSegment> segments, OffsetMap keys, long firstDirty, long upTo) throws IOException {
        Long from = segments.floorKey(firstDirty);
        for (LogSegment s : segments.subMap(from == null ? segments.firstKey() : from, true, upTo, false).values()) {
            for (FileChannelRecordBatch batch : s.records().batches()) {
                if (batch.lastOffset() < firstDirty || batch.isControlBatch() || batch.isTransactional()) continue;
                try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
                    while (it.hasNext()) {
                        Record r = it.next();
                        if (r.offset() < firstDirty || !r.hasKey()) continue;
                        if (keys.isFull()) {
                            if (s.baseOffset <= segments.firstKey()) throw new IOException("log.cleaner.dedupe.buffer.size holds "
                                    + keys.capacity() + " keys, too few for one segment of " + log.topicPartition());
                            LOG.infof("Key map full at %d keys; cleaning %s only below %d", keys.size(), log.topicPartition(), s.baseOffset);
                            return s.baseOffset;
                        }
                        keys.put(r.key(), r.offset());
                    }
                }
            }
        }
        return upTo;
    }

    /**
     * Consecutive segments whose sizes add up to at most segment.bytes (at least one per group) and whose offsets fit
     * one segment's 32-bit relative offsets.
     */
    static List<List<LogSegment>> groupSegments(NavigableMap<Long, LogSegment> segments, LogConfig cfg) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long bytes = 0;
        for (LogSegment s : segments.values()) {
            boolean fits = !current.isEmpty() && bytes + s.size() <= cfg.segmentBytes()
                    && s.readNextOffset() - 1 - current.get(0).baseOffset <= Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(s);
            bytes += s.size();
        }
        if (!current.isEmpty()) groups.add(current);
        return groups;
    }

    /** Reads the segment in chunks of whole batches (about log.cleaner.io.buffer.size) and appends what the filter keeps. */
    private void copyFiltered(LogSegment from, LogSegment to, CleaningFilter filter, long nowMs) throws IOException {
        FileRecords records = from.records();
        int size = records.sizeInBytes(); // an inactive segment no longer grows
        int position = 0;
        ByteBuffer out = ByteBuffer.allocate(ioBufferSize);
        while (position < size) {
            int chunk = 0;
            for (FileChannelRecordBatch batch : records.batchesFrom(position)) {
                if (chunk > 0 && chunk + batch.sizeInBytes() > ioBufferSize) break;
                chunk += batch.sizeInBytes();
            }
            if (chunk == 0) break;
            ByteBuffer in = ByteBuffer.allocate(chunk);
            records.readInto(in, position);
            out.clear();
            MemoryRecords.FilterResult result = MemoryRecords.readableRecords(in)
                    .filterTo(filter, out, BufferSupplier.NO_CACHING, Integer.MAX_VALUE);
            out = result.outputBuffer(); // filterTo grows the buffer when the output needs more room
            ByteBuffer written = out.duplicate().flip();
            if (written.hasRemaining()) to.append(MemoryRecords.readableRecords(written), nowMs);
            position += chunk;
        }
    }
}
