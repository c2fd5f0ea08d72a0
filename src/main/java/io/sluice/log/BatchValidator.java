package io.sluice.log;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * Checks batches arriving for append before anything touches the log: a bad batch fails the whole append and
 * nothing is written. Compressed batches are decompressed only to check them; they are stored as received.
 */
final class BatchValidator {
    record Summary(int batches, int records) {}

    private BatchValidator() {}

    static Summary validate(MemoryRecords records, LogConfig config) {
        return validate(records, config, false);
    }

    /**
     * As {@link #validate(MemoryRecords, LogConfig)}; {@code cleaned} accepts batches as compaction leaves them (a
     * follower copying a compacted leader): fewer records than the offset span, or none (a header kept for a
     * producer's sequence), with offsets increasing inside the batch's range.
     */
    static Summary validate(MemoryRecords records, LogConfig config, boolean cleaned) {
        if (records.sizeInBytes() == 0) throw new InvalidRecordException("No batches to append");
        int batches = 0, count = 0, bytes = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2)
                throw new UnsupportedForMessageFormatException("Only record batch format v2 is supported, got magic " + batch.magic());
            if (batch.sizeInBytes() > config.maxMessageBytes())
                throw new RecordTooLargeException("Batch of " + batch.sizeInBytes() + " bytes exceeds max.message.bytes "
                        + config.maxMessageBytes());
            batch.ensureValid(); // CRC and minimum size: CorruptRecordException
            count += validateRecords(batch, config.compacted(), cleaned);
            bytes += batch.sizeInBytes();
            batches++;
        }
        // The batch iterator stops silently at a partial trailing batch; a client never sends one.
        if (bytes != records.sizeInBytes())
            throw new CorruptRecordException("Trailing " + (records.sizeInBytes() - bytes) + " bytes after the last whole batch");
        return new Summary(batches, count);
    }

    /** Record count matches the header, offset deltas run 0..n-1, and compacted topics get keys. */
    private static int validateRecords(RecordBatch batch, boolean keysRequired, boolean cleaned) {
        Integer declared = batch.countOrNull();
        if (declared == null || declared < 0 || (declared == 0 && !cleaned)) throw new InvalidRecordException("Batch has no records");
        if (cleaned) return validateCleanedRecords(batch, declared);
        if (batch.lastOffset() - batch.baseOffset() != declared - 1)
            throw new InvalidRecordException("Batch declares " + declared + " records but last offset delta "
                    + (batch.lastOffset() - batch.baseOffset()));
        int seen = 0;
        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                Record r = it.next();
                if (r.offset() != batch.baseOffset() + seen)
                    throw new InvalidRecordException("Record offset delta " + (r.offset() - batch.baseOffset()) + ", expected " + seen);
                if (keysRequired && !batch.isControlBatch() && !r.hasKey())
                    throw new InvalidRecordException("Compacted topic cannot accept a record without a key");
                seen++;
            }
        } catch (InvalidRecordException e) {
            throw e;
        } catch (KafkaException | IllegalArgumentException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new InvalidRecordException("Malformed records in batch: " + e.getMessage(), e);
        }
        if (seen != declared) throw new InvalidRecordException("Batch declares " + declared + " records, found " + seen);
        return seen;
    }

    private static int validateCleanedRecords(RecordBatch batch, int declared) {
        if (batch.lastOffset() - batch.baseOffset() < declared - 1)
            throw new InvalidRecordException("Batch declares " + declared + " records but spans only "
                    + (batch.lastOffset() - batch.baseOffset() + 1) + " offsets");
        int seen = 0;
        long prev = batch.baseOffset() - 1;
        try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (it.hasNext()) {
                Record r = it.next();
                if (r.offset() <= prev || r.offset() > batch.lastOffset())
                    throw new InvalidRecordException("Record offset " + r.offset() + " out of order in a batch ending at " + batch.lastOffset());
                prev = r.offset();
                seen++;
            }
        } catch (InvalidRecordException e) {
            throw e;
        } catch (KafkaException | IllegalArgumentException | IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
            throw new InvalidRecordException("Malformed records in batch: " + e.getMessage(), e);
        }
        if (seen != declared) throw new InvalidRecordException("Batch declares " + declared + " records, found " + seen);
        return seen;
    }
}
