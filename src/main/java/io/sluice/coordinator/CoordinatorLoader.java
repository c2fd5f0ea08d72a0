package io.sluice.coordinator;

import io.sluice.log.PartitionLog;
import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.jboss.logging.Logger;

/** Replays a coordinator partition's log from its start to its end into a shard. */
public final class CoordinatorLoader {
    private static final Logger LOG = Logger.getLogger(CoordinatorLoader.class);
    private static final int READ_BYTES = 1 << 20;

    private CoordinatorLoader() {}

    /** Returns the number of records replayed. */
    public static long load(PartitionLog log, CoordinatorShard shard) {
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        long count = 0;
        while (offset < end) {
            Records records = log.read(offset, READ_BYTES, end, true).records();
            long next = offset;
            for (RecordBatch batch : records.batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    replayMarker(batch, shard);
                    continue;
                }
                for (Record record : batch) {
                    if (!record.hasKey()) {
                        continue;
                    }
                    try {
                        byte[] value = record.hasValue() ? bytes(record.value()) : null;
                        if (batch.isTransactional()) {
                            shard.replayTransactional(batch.producerId(), bytes(record.key()), value);
                        } else {
                            shard.replay(bytes(record.key()), value);
                        }
                        count++;
                    } catch (RuntimeException e) {
                        // A record we cannot read (a newer format, corruption) must not stop the partition from loading.
                        LOG.warnf("Skipping unreadable coordinator record at offset %d of %s: %s", record.offset(),
                                log.topicPartition(), e.getMessage());
                    }
                }
            }
            if (next <= offset) {
                break; // nothing readable below the end (should not happen); do not spin
            }
            offset = next;
        }
        return count;
    }

    /** A COMMIT or ABORT marker resolves the producer's transactional records read before it. */
    private static void replayMarker(RecordBatch batch, CoordinatorShard shard) {
        for (Record record : batch) {
            ControlRecordType type = ControlRecordType.parse(record.key());
            if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                shard.replayEndTransaction(batch.producerId(), type == ControlRecordType.COMMIT);
            }
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
