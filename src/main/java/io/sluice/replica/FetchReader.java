package io.sluice.replica;

import io.sluice.log.AbortedTransaction;
import io.sluice.log.EpochEndOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * Reads a fetch from the partition logs, within the partition and response byte limits: a
 * consumer's up to the high watermark (or the last stable offset for read_committed), a
 * follower's up to the log end. A consumer that sends its client metadata (Fetch v11+, KIP-392)
 * may read from a follower too, up to that follower's high watermark; the leader may instead
 * point it at a preferred read replica (replica.selector.class). The first partition that has data may exceed the limits by one
 * batch so a large record never blocks a reader. A follower's fetch offset is its log end: the
 * leader records it, which may move the high watermark.
 */
public final class FetchReader {
    private final ReplicaManager replicas;
    private final ReplicaSelector selector;

    public FetchReader(ReplicaManager replicas, ReplicaSelector selector) {
        this.replicas = replicas;
        this.selector = selector;
    }

    /** One partition to read: by name (tp) or, from Fetch v13 on, by topic id (tp null). */
    public record Target(TopicPartition tp, Uuid topicId, int partition, long fetchOffset, int maxBytes,
                         int currentLeaderEpoch, int lastFetchedEpoch) {}

    /**
     * Who reads: a consumer (replicaId -1, at an isolation level) or the follower replicaId with its broker epoch.
     * clientRack: a consumer's client.rack from Fetch v11 on ("" when it has none); null before v11, when only the
     * leader may answer a consumer.
     */
    public record Reader(int replicaId, long replicaEpoch, boolean readCommitted, String clientRack) {
        public boolean isFollower() {
            return replicaId >= 0;
        }

        /** Kafka lets a consumer read from a follower only when it sent its client metadata. */
        boolean mayReadFromFollower() {
            return !isFollower() && clientRack != null;
        }
    }

    /**
     * What one partition answered. abortedTransactions: for read_committed consumers, the aborted transactions in
     * the records (null otherwise). divergingEpoch, for a follower whose log diverged from ours, is the largest epoch
     * both know and where it ends here; null otherwise.
     */
    public record PartitionResult(Target target, Errors error, String topicName, long highWatermark,
                                  long lastStableOffset, long logStartOffset, Records records,
                                  List<AbortedTransaction> abortedTransactions, EpochEndOffset divergingEpoch,
                                  int preferredReadReplica) {
        /** Everything but a preferred read replica (-1: none). */
        public PartitionResult(Target target, Errors error, String topicName, long highWatermark, long lastStableOffset,
                               long logStartOffset, Records records, List<AbortedTransaction> abortedTransactions,
                               EpochEndOffset divergingEpoch) {
            this(target, error, topicName, highWatermark, lastStableOffset, logStartOffset, records,
                    abortedTransactions, divergingEpoch, -1);
        }
    }

    /** answerAtOnce: an error, a diverging epoch or a preferred read replica, which the reader must hear without waiting for data. */

    public record Outcome(List<PartitionResult> partitions, int bytes, boolean answerAtOnce) {}

    public List<TopicPartition> watchablePartitions(List<Target> targets) {
        List<TopicPartition> out = new ArrayList<>(targets.size());
        for (Target t : targets) {
            resolve(t).ifPresent(p -> out.add(p.topicPartition()));
        }
        return out;
    }

    public Outcome read(List<Target> targets, int responseMaxBytes, Reader reader) {
        List<PartitionResult> results = new ArrayList<>(targets.size());
        int remaining = Math.max(0, responseMaxBytes);
        int total = 0;
        boolean answerAtOnce = false;
        boolean minOneMessage = true;
        for (Target target : targets) {
            PartitionResult result = readOne(target, Math.min(remaining, target.maxBytes()), minOneMessage, reader);
            int size = result.records().sizeInBytes();
            total += size;
            remaining = Math.max(0, remaining - size);
            minOneMessage &= size == 0;
            answerAtOnce |= result.error() != Errors.NONE || result.divergingEpoch() != null
                    || result.preferredReadReplica() >= 0;
            results.add(result);
        }
        return new Outcome(results, total, answerAtOnce);
    }

    private Optional<Partition> resolve(Target target) {
        return target.tp() != null ? replicas.partition(target.tp()) : replicas.partition(target.topicId(), target.partition());
    }

    private PartitionResult readOne(Target target, int maxBytes, boolean minOneMessage, Reader reader) {
        Optional<Partition> found = resolve(target);
        if (found.isEmpty()) {
            // A partition of a known topic that lives on other brokers: the reader should go to its leader.
            Errors error = replicas.existsInMetadata(target.tp(), target.topicId(), target.partition())
                    ? Errors.NOT_LEADER_OR_FOLLOWER
                    : target.tp() == null ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            return failed(target, target.tp() == null ? null : target.tp().topic(), error);
        }
        Partition partition = found.get();
        String name = partition.topicPartition().topic();
        try {
            boolean leader = partition.isLeader(replicas.nodeId());
            if (!leader && !(reader.mayReadFromFollower() && partition.isFollower())) {
                throw new NotLeaderOrFollowerException("This broker does not lead " + partition.topicPartition());
            }
            partition.checkLeaderEpoch(target.currentLeaderEpoch());
            if (reader.isFollower()) {
                return readForFollower(partition, target, maxBytes, minOneMessage, reader);
            }
            return readForConsumer(partition, target, maxBytes, minOneMessage, reader, leader);
        } catch (ApiException e) {
            return new PartitionResult(target, Errors.forException(e), name, partition.highWatermark(),
                    partition.lastStableOffset(), partition.log().logStartOffset(), MemoryRecords.EMPTY, null, null);
        }
    }

    /**
     * A consumer reads up to the high watermark (the last stable offset for read_committed); on a follower that is
     * the follower's own, learnt from the leader's fetch responses. A leader may instead name a preferred read
     * replica (KIP-392), with no records, as Kafka does.
     */
    private PartitionResult readForConsumer(Partition partition, Target target, int maxBytes, boolean minOneMessage,
                                            Reader reader, boolean leader) {
        String name = partition.topicPartition().topic();
        OptionalInt preferred = leader
                ? selector.preferredReadReplica(partition, reader.clientRack(), target.fetchOffset(), replicas.image())
                : OptionalInt.empty();
        List<AbortedTransaction> noneAborted = reader.readCommitted() ? List.of() : null;
        if (preferred.isPresent()) {
            return new PartitionResult(target, Errors.NONE, name, partition.highWatermark(),
                    partition.lastStableOffset(), partition.log().logStartOffset(), MemoryRecords.EMPTY,
                    noneAborted, null, preferred.getAsInt());
        }
        long hwm = partition.highWatermark();
        if (!leader && target.currentLeaderEpoch() < 0 && target.fetchOffset() > partition.log().logEndOffset()) {
            // Without a leader epoch the consumer may be here on stale metadata rather than sent by the leader: as
            // Kafka (apache/kafka#12734), an offset this follower does not have yet gets an empty answer to retry, not
            // OFFSET_OUT_OF_RANGE, which would make it reset its position.
            return answer(target, partition, hwm, MemoryRecords.EMPTY, noneAborted, null);
        }
        long upper = reader.readCommitted() ? partition.lastStableOffset() : hwm;
        Records records = read(partition, target.fetchOffset(), maxBytes, upper, minOneMessage);
        replicas.topicMetrics().fetched(name, records.sizeInBytes());
        // The consumer drops the records of these producers from each one's first offset up to its ABORT marker.
        List<AbortedTransaction> aborted = reader.readCommitted() && records.sizeInBytes() > 0
                ? partition.log().abortedTransactions(target.fetchOffset(), upper)
                : noneAborted;
        return answer(target, partition, hwm, records, aborted, null);
    }

    /**
     * A follower reads up to the log end. If the epoch of its last batch ends here before its fetch
     * offset, its tail was never ours: it gets the diverging epoch instead of records (KIP-595 style)
     * and truncates. Otherwise its fetch offset is its log end, which the leader records. A throttled
     * replica (out of sync, listed in leader.replication.throttled.replicas) gets what the leader-side
     * throttle allows, possibly nothing this time.
     */
    private PartitionResult readForFollower(Partition partition, Target target, int maxBytes, boolean minOneMessage,
                                            Reader reader) {
        int replicaId = reader.replicaId();
        if (!partition.hasFollower(replicaId)) {
            throw new NotLeaderOrFollowerException("Broker " + replicaId + " is not a replica of " + partition.topicPartition());
        }
        if (target.lastFetchedEpoch() >= 0) {
            EpochEndOffset ours = partition.log().endOffsetForEpoch(target.lastFetchedEpoch());
            if (ours.leaderEpoch() != target.lastFetchedEpoch() || ours.endOffset() < target.fetchOffset()) {
                return answer(target, partition, partition.highWatermark(), MemoryRecords.EMPTY, null, ours);
            }
        }
        long logEnd = partition.log().logEndOffset();
        ThrottleBucket throttle = replicas.throttles().asLeader(partition, replicaId);
        int allowed = throttle == null ? maxBytes : throttle.allowance(maxBytes);
        // A throttled read always moves at least one batch once allowed: the bucket's debt paces the rest,
        // where a batch larger than the allowance would otherwise never move.
        Records records = allowed == 0 ? MemoryRecords.EMPTY
                : read(partition, target.fetchOffset(), allowed, logEnd, minOneMessage || throttle != null);
        if (throttle != null) {
            throttle.record(records.sizeInBytes());
        }
        replicas.followerFetched(partition, replicaId, reader.replicaEpoch(), target.fetchOffset(), logEnd);
        return answer(target, partition, partition.highWatermark(), records, null, null);
    }

    private static Records read(Partition partition, long fetchOffset, int maxBytes, long upper, boolean minOneMessage) {
        return fetchOffset >= upper && fetchOffset <= partition.log().logEndOffset()
                ? MemoryRecords.EMPTY
                : partition.read(fetchOffset, maxBytes, upper, minOneMessage);
    }

    private static PartitionResult answer(Target target, Partition partition, long hwm, Records records,
                                          List<AbortedTransaction> aborted, EpochEndOffset diverging) {
        return new PartitionResult(target, Errors.NONE, partition.topicPartition().topic(), hwm,
                partition.lastStableOffset(), partition.log().logStartOffset(), records, aborted, diverging);
    }

    private static PartitionResult failed(Target target, String name, Errors error) {
        return new PartitionResult(target, error, name, -1, -1, -1, MemoryRecords.EMPTY, null, null);
    }
}
