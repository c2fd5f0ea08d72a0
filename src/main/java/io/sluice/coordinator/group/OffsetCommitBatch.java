package io.sluice.coordinator.group;

import io.sluice.coordinator.CoordinatorRecord;
import io.sluice.coordinator.group.GroupRecordSerde.OffsetValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The offsets of one OffsetCommit or TxnOffsetCommit request, checked partition by partition: the
 * records to write and the values to apply once they are written. Both requests share these rules,
 * only their message types differ.
 */
final class OffsetCommitBatch {
    private final String groupId;
    private final Errors requestError;
    private final int maxMetadataBytes;
    private final long now;
    private final List<CoordinatorRecord> records = new ArrayList<>();
    private final Map<TopicPartition, OffsetValue> values = new LinkedHashMap<>();

    /** @param requestError what every partition answers when the request as a whole is refused (NONE if not) */
    OffsetCommitBatch(String groupId, Errors requestError, int maxMetadataBytes, long now) {
        this.groupId = groupId;
        this.requestError = requestError;
        this.maxMetadataBytes = maxMetadataBytes;
        this.now = now;
    }

    /** Adds one partition's offset unless it is refused; returns the partition's answer. */
    Errors add(String topic, int partition, long offset, int leaderEpoch, String committedMetadata) {
        String metadata = committedMetadata == null ? "" : committedMetadata;
        if (requestError != Errors.NONE) {
            return requestError;
        }
        if (metadata.length() > maxMetadataBytes) {
            return Errors.OFFSET_METADATA_TOO_LARGE;
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        OffsetValue value = new OffsetValue(offset, leaderEpoch, metadata, now);
        records.add(new CoordinatorRecord(GroupRecordSerde.offsetKey(groupId, tp), GroupRecordSerde.offsetValue(value)));
        values.put(tp, value);
        return Errors.NONE;
    }

    List<CoordinatorRecord> records() {
        return records;
    }

    Map<TopicPartition, OffsetValue> values() {
        return values;
    }
}
