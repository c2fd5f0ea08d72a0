package io.sluice.replica;

import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;

/**
 * Answers ListOffsets for one partition. Special timestamps follow the protocol: -2 earliest,
 * -1 latest (the last stable offset under read_committed), -3 the record with the largest
 * timestamp, -4 earliest local (the same as earliest without tiered storage), -5/-6 tiered
 * positions (none here). Others give the first offset whose timestamp is at least the one asked.
 */
public final class OffsetLookup {
    private static final long LATEST = -1;
    private static final long EARLIEST = -2;
    private static final long MAX_TIMESTAMP = -3;
    private static final long EARLIEST_LOCAL = -4;
    private static final long UNKNOWN = -1;

    private final ReplicaManager replicas;

    public OffsetLookup(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    public ListOffsetsPartitionResponse lookup(TopicPartition tp, long timestamp, int currentLeaderEpoch,
                                               boolean readCommitted) {
        ListOffsetsPartitionResponse out = new ListOffsetsPartitionResponse().setPartitionIndex(tp.partition())
                .setOffset(UNKNOWN).setTimestamp(UNKNOWN).setLeaderEpoch(-1);
        try {
            Partition partition = replicas.partition(tp).orElseThrow(
                    () -> new UnknownTopicOrPartitionException("This server does not host " + tp));
            if (!partition.isLeader(replicas.nodeId())) {
                throw new NotLeaderOrFollowerException("This broker does not lead " + tp);
            }
            partition.checkLeaderEpoch(currentLeaderEpoch);
            long upper = readCommitted ? partition.lastStableOffset() : partition.highWatermark();
            if (timestamp == LATEST) {
                return out.setOffset(upper).setLeaderEpoch(partition.leaderEpoch());
            }
            if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
                return out.setOffset(partition.log().logStartOffset());
            }
            Optional<TimestampAndOffset> found = timestamp == MAX_TIMESTAMP
                    ? partition.log().maxTimestampAndOffset()
                    : timestamp >= 0 ? partition.log().offsetForTimestamp(timestamp) : Optional.empty();
            found.filter(t -> t.offset < upper).ifPresent(t -> out.setOffset(t.offset).setTimestamp(t.timestamp)
                    .setLeaderEpoch(t.leaderEpoch.orElse(-1)));
            return out;
        } catch (ApiException e) {
            return out.setErrorCode(Errors.forException(e).code());
        }
    }
}
