package io.sluice.log;

import java.util.Map;
import java.util.OptionalLong;

import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What one cleaning keeps, batch by batch and record by record (fed to {@link
 * org.apache.kafka.common.record.internal.MemoryRecords#filterTo}).
 *
 * <ul>
 * <li>A keyed record stays only if no later offset of its key is in the key map.
 * <li>A tombstone (null value) that stays gets a delete horizon: filterTo stamps batches holding tombstones with
 * {@code now + delete.retention.ms} the first time they are cleaned (the KIP-534 batch attribute); a later cleaning
 * drops the tombstone once {@code now} reaches that horizon. A tombstone thus survives at least delete.retention.ms
 * after the cleaning that first saw it.
 * <li>Records without a key are dropped, as Kafka does (a compacted topic refuses them on produce; they can only
 * predate a switch to compaction).
 * <li>Transactional and control batches are kept as they are: without aborted-transaction tracking we cannot tell
 * whether their records are live, and their keys are not in the key map, so they supersede nothing.
 * <li>Every batch is dropped once empty, except the newest batch of each producer (its header keeps the producer's
 * last sequence, so a retried batch is still recognized after the log is rebuilt) and the last batch of the group
 * (so a cleaned segment ends exactly where the segments it replaces ended, which swap recovery relies on).
 * </ul>
 */
final class CleaningFilter extends RecordFilter {
    private final OffsetMap keys;
    private final Map<Long, Long> lastBatchOfProducer;
    private final long groupLastOffset;
    private long earliestTombstoneHorizon = Long.MAX_VALUE;

    CleaningFilter(long nowMs, long deleteRetentionMs, OffsetMap keys, Map<Long, Long> lastBatchOfProducer, long groupLastOffset) {
        super(nowMs, deleteRetentionMs);
        this.keys = keys;
        this.lastBatchOfProducer = lastBatchOfProducer;
        this.groupLastOffset = groupLastOffset;
    }

    @Override
    protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
        boolean keepHeader = batch.lastOffset() == groupLastOffset
                || (batch.hasProducerId() && Long.valueOf(batch.lastOffset()).equals(lastBatchOfProducer.get(batch.producerId())));
        return new BatchRetentionResult(keepHeader ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY, false);
    }

    @Override
    protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
        if (batch.isControlBatch() || batch.isTransactional()) return true;
        if (!record.hasKey()) return false;
        long latest = keys.get(record.key());
        if (latest > record.offset()) return false;
        if (!record.hasValue()) {
            OptionalLong horizon = batch.deleteHorizonMs();
            if (horizon.isPresent() && currentTime >= horizon.getAsLong()) return false;
            earliestTombstoneHorizon = Math.min(earliestTombstoneHorizon,
                    horizon.isPresent() ? horizon.getAsLong() : currentTime + deleteRetentionMs);
        }
        return true;
    }

    /** The earliest time a tombstone kept by this filter may go, or Long.MAX_VALUE if it kept none. */
    long earliestTombstoneHorizon() {
        return earliestTombstoneHorizon;
    }
}
