package io.sluice.coordinator;

import java.util.List;

/**
 * Appends a shard's records to its partition of the internal topic. Called on the partition's
 * serial executor; returns only once the records are in the log (flushed per the log's policy),
 * and throws the Kafka exception that says why if they are not, so the caller changes no state.
 */
public interface RecordAppender {
    void append(List<CoordinatorRecord> records);

    /**
     * Appends records as part of a producer's transaction (KIP-98 transactional offset commits): they take effect
     * only when the transaction's COMMIT marker reaches the partition. Appenders without a log behind them (tests'
     * in-memory ones) do not support it.
     */
    default void appendTransactional(long producerId, short producerEpoch, List<CoordinatorRecord> records) {
        throw new UnsupportedOperationException("This appender cannot write transactional records");
    }
}
