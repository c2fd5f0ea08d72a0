package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.FileRecords.LogOffsetPosition;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;

/**
 * One {@code .log} file with its {@code .index} and {@code .timeindex}. Appends, truncation and recovery come from the
 * partition's single writer; reads may run concurrently and see only whole batches, because FileRecords publishes its
 * size after the bytes are written.
 */
final class LogSegment {
    final long baseOffset;
    private final FileRecords log;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final TransactionIndex txnIndex;
    private final int indexIntervalBytes;
    private int bytesSinceLastIndexEntry;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp;
    /** Wall-clock time of the first append since this segment was created or loaded; drives segment.ms. */
    private long rollBaseMs = -1;

    private LogSegment(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
        this(dir, baseOffset, indexIntervalBytes, "");
    }

    /** suffix: "" for a live segment, {@link LogFiles#CLEANED} or {@link LogFiles#SWAP} while the cleaner owns it. */
    private LogSegment(Path dir, long baseOffset, int indexIntervalBytes, String suffix) throws IOException {
        this.baseOffset = baseOffset;
        this.indexIntervalBytes = indexIntervalBytes;
        this.log = FileRecords.open(new java.io.File(LogFiles.log(dir, baseOffset) + suffix));
        this.offsetIndex = new OffsetIndex(Path.of(LogFiles.index(dir, baseOffset) + suffix), baseOffset);
        this.timeIndex = new TimeIndex(Path.of(LogFiles.timeIndex(dir, baseOffset) + suffix), baseOffset);
        this.txnIndex = new TransactionIndex(Path.of(LogFiles.txnIndex(dir, baseOffset) + suffix));
        this.offsetOfMaxTimestamp = baseOffset;
    }

    /**
     * An empty segment under {@code .cleaned} names that the cleaner fills. Its indexes get room for maxIndexBytes
     * (the cleaner bounds the entries by the input size), and are trimmed by {@link #makeInactive}.
     */
    static LogSegment createCleaned(Path dir, long baseOffset, LogConfig config, int maxIndexBytes) throws IOException {
        for (Path p : new Path[] {LogFiles.log(dir, baseOffset), LogFiles.index(dir, baseOffset), LogFiles.timeIndex(dir, baseOffset),
                LogFiles.txnIndex(dir, baseOffset)})
            Files.deleteIfExists(Path.of(p + LogFiles.CLEANED));
        LogSegment s = new LogSegment(dir, baseOffset, config.indexIntervalBytes(), LogFiles.CLEANED);
        s.offsetIndex.resize(maxIndexBytes);
        s.timeIndex.resize(maxIndexBytes);
        return s;
    }

    /** A new, empty active segment with preallocated indexes. */
    static LogSegment create(Path dir, long baseOffset, LogConfig config) throws IOException {
        Files.deleteIfExists(LogFiles.index(dir, baseOffset));
        Files.deleteIfExists(LogFiles.timeIndex(dir, baseOffset));
        Files.deleteIfExists(LogFiles.txnIndex(dir, baseOffset));
        LogSegment s = new LogSegment(dir, baseOffset, config.indexIntervalBytes());
        s.makeActive(config);
        return s;
    }

    /** Opens existing files as they are; the caller checks {@link #indexesConsistent} or runs {@link #recover}. */
    static LogSegment open(Path dir, long baseOffset, LogConfig config) throws IOException {
        LogSegment s = new LogSegment(dir, baseOffset, config.indexIntervalBytes());
        TimeIndex.Entry last = s.timeIndex.lastEntry();
        s.maxTimestamp = last.timestamp();
        s.offsetOfMaxTimestamp = last.offset();
        return s;
    }

    /** Opens the files of a segment left under {@code suffix} names (an interrupted swap, see {@link LogLoader}). */
    static LogSegment openWithSuffix(Path dir, long baseOffset, LogConfig config, String suffix) throws IOException {
        return new LogSegment(dir, baseOffset, config.indexIntervalBytes(), suffix);
    }

    void makeActive(LogConfig config) throws IOException {
        offsetIndex.resize(config.segmentIndexBytes());
        timeIndex.resize(config.segmentIndexBytes());
    }

    /** Called on roll and close: records the final max timestamp in the time index, then trims both indexes. */
    void makeInactive() throws IOException {
        if (maxTimestamp != RecordBatch.NO_TIMESTAMP) {
            if (timeIndex.isFull()) timeIndex.resize(timeIndex.entries() * TimeIndex.ENTRY_SIZE + TimeIndex.ENTRY_SIZE);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
        }
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
    }

    int size() {
        return log.sizeInBytes();
    }

    /** True when appending would overflow the segment: size, age, index room or a relative offset past int32. */
    boolean shouldRoll(int bytes, int batches, long lastOffset, long nowMs, LogConfig config) {
        if (size() == 0) return false;
        return size() > config.segmentBytes() - bytes
                || (rollBaseMs >= 0 && nowMs - rollBaseMs > config.rollMs())
                || offsetIndex.entriesRemaining() < batches
                || timeIndex.entriesRemaining() < batches
                || lastOffset - baseOffset > Integer.MAX_VALUE;
    }

    /** Appends batches whose offsets are already assigned. */
    void append(MemoryRecords records, long nowMs) throws IOException {
        if (rollBaseMs < 0) rollBaseMs = nowMs;
        int position = log.sizeInBytes();
        log.append(records);
        for (RecordBatch batch : records.batches()) {
            indexBatch(batch, position);
            position += batch.sizeInBytes();
        }
    }

    /** Index bookkeeping for one batch at a file position: an offset entry every index.interval.bytes, as Kafka does. */
    private void indexBatch(RecordBatch batch, int position) {
        if (batch.maxTimestamp() > maxTimestamp) {
            maxTimestamp = batch.maxTimestamp();
            offsetOfMaxTimestamp = batch.lastOffset();
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(batch.lastOffset(), position);
            timeIndex.maybeAppend(maxTimestamp, offsetOfMaxTimestamp);
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batch.sizeInBytes();
    }

    /** Position of the first batch whose last offset is >= offset, or null if the segment ends before it. */
    LogOffsetPosition translateOffset(long offset) {
        return log.searchForOffsetFromPosition(offset, offsetIndex.lookup(offset).position());
    }

    /**
     * Whole batches starting with the one that holds fetchOffset, all ending below limitOffset, at most maxBytes
     * (or the first batch alone if minOneMessage and it is larger). Null if no batch here reaches fetchOffset.
     */
    Records read(long fetchOffset, int maxBytes, long limitOffset, boolean minOneMessage) {
        LogOffsetPosition start = translateOffset(fetchOffset);
        if (start == null) return null;
        int bytes = 0;
        for (FileChannelRecordBatch batch : log.batchesFrom(start.position)) {
            if (batch.lastOffset() >= limitOffset) break;
            int size = batch.sizeInBytes();
            if ((long) bytes + size > maxBytes) {
                if (bytes == 0 && minOneMessage) bytes = size;
                break;
            }
            bytes += size;
        }
        return log.slice(start.position, bytes);
    }

    /** Batches from the one holding offset to the end of the segment. */
    Iterable<FileChannelRecordBatch> batchesFrom(long offset) {
        LogOffsetPosition pos = translateOffset(offset);
        return pos == null ? java.util.List.of() : log.batchesFrom(pos.position);
    }

    /** Offset after the last batch, found by scanning from the last index entry. */
    long readNextOffset() {
        long next = baseOffset;
        for (FileChannelRecordBatch batch : log.batchesFrom(offsetIndex.lastEntry().position())) next = batch.nextOffset();
        return next;
    }

    boolean indexesConsistent() {
        return offsetIndex.isConsistent(size()) && timeIndex.isConsistent(readNextOffset());
    }

    /**
     * Validates every batch from the start (length within the file, magic v2, CRC, increasing offsets), truncates
     * the file at the first bad one and rebuilds both indexes. Returns the number of bytes truncated.
     */
    int recover(LogConfig config) throws IOException {
        makeActive(config);
        offsetIndex.truncateToEntries(0);
        timeIndex.truncateToEntries(0);
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = baseOffset;
        bytesSinceLastIndexEntry = 0;
        int fileSize = log.sizeInBytes();
        int position = 0;
        long nextOffset = baseOffset;
        ByteBuffer header = ByteBuffer.allocate(Records.LOG_OVERHEAD);
        while (fileSize - position >= Records.LOG_OVERHEAD) {
            header.clear();
            log.readInto(header, position);
            int length = header.getInt(Records.SIZE_OFFSET);
            if (length < DefaultRecordBatch.RECORD_BATCH_OVERHEAD - Records.LOG_OVERHEAD
                    || length > fileSize - position - Records.LOG_OVERHEAD) break;
            ByteBuffer buf = ByteBuffer.allocate(Records.LOG_OVERHEAD + length);
            log.readInto(buf, position);
            if (buf.get(Records.MAGIC_OFFSET) != RecordBatch.MAGIC_VALUE_V2) break;
            RecordBatch batch = MemoryRecords.readableRecords(buf).batches().iterator().next();
            if (!batch.isValid() || batch.baseOffset() < nextOffset) break;
            indexBatch(batch, position);
            nextOffset = batch.nextOffset();
            position += batch.sizeInBytes();
        }
        int truncated = fileSize - position;
        if (truncated > 0) log.truncateTo(position);
        txnIndex.truncateTo(nextOffset);
        return truncated;
    }

    /** Removes every batch that ends at or after offset; returns the new next offset of this segment. */
    long truncateTo(long offset) throws IOException {
        LogOffsetPosition pos = translateOffset(offset);
        if (pos != null) {
            txnIndex.truncateTo(offset);
            offsetIndex.truncateTo(pos.offset);
            timeIndex.truncateTo(pos.offset);
            log.truncateTo(pos.position);
            TimeIndex.Entry last = timeIndex.lastEntry();
            maxTimestamp = last.timestamp();
            offsetOfMaxTimestamp = last.offset();
            // Re-derive the max timestamp from the batches after the last time index entry.
            for (FileChannelRecordBatch batch : log.batchesFrom(offsetIndex.lastEntry().position())) {
                if (batch.maxTimestamp() > maxTimestamp) {
                    maxTimestamp = batch.maxTimestamp();
                    offsetOfMaxTimestamp = batch.lastOffset();
                }
            }
            bytesSinceLastIndexEntry = 0;
        }
        if (size() == 0) rollBaseMs = -1;
        return readNextOffset();
    }

    /** The first record at or after startingOffset with timestamp >= target, if this segment has one. */
    Optional<TimestampAndOffset> findOffsetByTimestamp(long target, long startingOffset) {
        if (maxTimestamp < target) return Optional.empty();
        TimeIndex.Entry below = timeIndex.lookupBelow(target);
        int position = offsetIndex.lookup(Math.max(below.offset(), startingOffset)).position();
        return Optional.ofNullable(log.searchForTimestamp(target, position, startingOffset, Integer.MAX_VALUE));
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    /** The largest timestamp, or the file's modification time for a segment without timestamps (Kafka's rule). */
    long largestTimestampForRetention() throws IOException {
        return maxTimestamp != RecordBatch.NO_TIMESTAMP ? maxTimestamp : Files.getLastModifiedTime(log.file().toPath()).toMillis();
    }

    void flush() throws IOException {
        log.flush();
        offsetIndex.flush();
        timeIndex.flush();
        txnIndex.flush();
    }

    /** Aborted transactions whose ABORT marker is in this segment, in marker order. */
    java.util.List<AbortedTransaction> abortedTransactions() {
        return txnIndex.entries();
    }

    /** Indexes an aborted transaction whose marker this segment holds; one already indexed is skipped (replay). */
    void indexAborted(AbortedTransaction txn) throws IOException {
        if (txn.lastOffset() > txnIndex.lastMarkerOffset()) txnIndex.append(txn);
    }

    /** The segment's records, for the cleaner to read whole batches from. */
    FileRecords records() {
        return log;
    }

    /** Max timestamp of the first batch (Kafka's "earliest timestamp" of a segment), or NO_TIMESTAMP if empty. */
    long firstBatchTimestamp() {
        for (FileChannelRecordBatch batch : log.batchesFrom(0)) return batch.maxTimestamp();
        return RecordBatch.NO_TIMESTAMP;
    }

    /**
     * Moves all three files from names ending in {@code from} to names ending in {@code to} (suffixes after
     * {@code .log} etc.; "" is the live name). Open channels and mappings stay valid, so readers are unaffected.
     */
    void changeFileSuffix(String from, String to) throws IOException {
        log.renameTo(new java.io.File(strip(log.file().getPath(), from) + to));
        offsetIndex.renameTo(Path.of(strip(offsetIndex.file().toString(), from) + to));
        timeIndex.renameTo(Path.of(strip(timeIndex.file().toString(), from) + to));
        txnIndex.renameTo(Path.of(strip(txnIndex.file().toString(), from) + to));
    }

    private static String strip(String name, String suffix) {
        if (!name.endsWith(suffix)) throw new IllegalStateException(name + " does not end with " + suffix);
        return name.substring(0, name.length() - suffix.length());
    }

    /** Renames the files with a .deleted suffix; the channel and mappings stay usable for readers in flight. */
    void renameForDeletion() throws IOException {
        log.renameTo(new java.io.File(log.file().getPath() + LogFiles.DELETED));
        offsetIndex.renameTo(offsetIndex.file().resolveSibling(offsetIndex.file().getFileName() + LogFiles.DELETED));
        timeIndex.renameTo(timeIndex.file().resolveSibling(timeIndex.file().getFileName() + LogFiles.DELETED));
        txnIndex.renameTo(txnIndex.file().resolveSibling(txnIndex.file().getFileName() + LogFiles.DELETED));
    }

    void closeAndDeleteFiles() throws IOException {
        log.close();
        Files.deleteIfExists(log.file().toPath());
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
        txnIndex.deleteIfExists();
    }

    void close() throws IOException {
        log.close();
        txnIndex.close();
    }

    @Override
    public String toString() {
        return "LogSegment(baseOffset=" + baseOffset + ", size=" + size() + ")";
    }
}
