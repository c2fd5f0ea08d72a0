package io.sluice.replica;

import io.sluice.log.AbortedTransaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * Reads a consumer fetch from the partition logs: up to the high watermark (or the last stable
 * offset for read_committed), within the partition and response byte limits. The first partition
 * that has data may exceed the limits by one batch so a large record never blocks a consumer.
 */
public final class FetchReader {
    private final ReplicaManager replicas;

    public FetchReader(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    /** One partition to read: by name (tp) or, from Fetch v13 on, by topic id (tp null). */
    public record Target(TopicPartition tp, Uuid topicId, int partition, long fetchOffset, int maxBytes,
                         int currentLeaderEpoch) {
        public Target withFetchOffset(long offset, int newMaxBytes, int newEpoch) {
            return new Target(tp, topicId, partition, offset, newMaxBytes, newEpoch);
        }
    }

    /** What one partition answered; abortedTransactions only for read_committed (null otherwise). */
    public record PartitionResult(Target target, Errors error, String topicName, long highWatermark,
                                  long lastStableOffset, long logStartOffset, Records records,
                                  List<AbortedTransaction> abortedTransactions) {}

    public record Outcome(List<PartitionResult> partitions, int bytes, boolean hasError) {}

    public List<TopicPartition> watchablePartitions(List<Target> targets) {
        List<TopicPartition> out = new ArrayList<>(targets.size());
        for (Target t : targets) {
            resolve(t).ifPresent(p -> out.add(p.topicPartition()));
        }
        return out;
    }

    public Outcome read(List<Target> targets, int responseMaxBytes, boolean readCommitted) {
        List<PartitionResult> results = new ArrayList<>(targets.size());
        int remaining = Math.max(0, responseMaxBytes);
        int total = 0;
        boolean hasError = false;
        boolean minOneMessage = true;
        for (Target target : targets) {
            PartitionResult result = readOne(target, Math.min(remaining, target.maxBytes()), minOneMessage, readCommitted);
            int size = result.records().sizeInBytes();
            total += size;
            remaining = Math.max(0, remaining - size);
            minOneMessage &= size == 0;
            hasError |= result.error() != Errors.NONE;
            results.add(result);
        }
        return new Outcome(results, total, hasError);
    }

    private Optional<Partition> resolve(Target target) {
        return target.tp() != null ? replicas.partition(target.tp()) : replicas.partition(target.topicId(), target.partition());
    }

    private PartitionResult readOne(Target target, int maxBytes, boolean minOneMessage, boolean readCommitted) {
        Optional<Partition> found = resolve(target);
        if (found.isEmpty()) {
            Errors error = target.tp() == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            return failed(target, null, error);
        }
        Partition partition = found.get();
        String name = partition.topicPartition().topic();
        try {
            if (!partition.isLeader(replicas.nodeId())) {
                throw new NotLeaderOrFollowerException("This broker does not lead " + partition.topicPartition());
            }
            partition.checkLeaderEpoch(target.currentLeaderEpoch());
            long hwm = partition.highWatermark();
            long lso = partition.lastStableOffset();
            long upper = readCommitted ? lso : hwm;
            Records records = target.fetchOffset() >= upper && target.fetchOffset() <= partition.log().logEndOffset()
                    ? MemoryRecords.EMPTY
                    : partition.read(target.fetchOffset(), maxBytes, upper, minOneMessage);
            replicas.topicMetrics().fetched(name, records.sizeInBytes());
            // The consumer drops the records of these producers from each one's first offset up to its ABORT marker.
            List<AbortedTransaction> aborted = readCommitted && records.sizeInBytes() > 0
                    ? partition.log().abortedTransactions(target.fetchOffset(), upper) : readCommitted ? List.of() : null;
            return new PartitionResult(target, Errors.NONE, name, hwm, lso, partition.log().logStartOffset(), records,
                    aborted);
        } catch (ApiException e) {
            return new PartitionResult(target, Errors.forException(e), name, partition.highWatermark(),
                    partition.lastStableOffset(), partition.log().logStartOffset(), MemoryRecords.EMPTY, null);
        }
    }

    private static PartitionResult failed(Target target, String name, Errors error) {
        return new PartitionResult(target, error, name, -1, -1, -1, MemoryRecords.EMPTY, null);
    }
}
