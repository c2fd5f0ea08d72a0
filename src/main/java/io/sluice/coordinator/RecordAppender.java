package io.sluice.coordinator;

import java.util.List;

/**
 * Appends a shard's records to its partition of the internal topic. Called on the partition's
 * serial executor; returns only once the records are in the log (flushed per the log's policy),
 * and throws the Kafka exception that says why if they are not, so the caller changes no state.
 */
public interface RecordAppender {
    void append(List<CoordinatorRecord> records);
}
