package io.sluice.replica;

import io.sluice.log.LogAppendResult;
import io.sluice.log.LogConfig;
import io.sluice.log.PartitionLog;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * One partition hosted on this broker: its log and its replication state. Leadership fields are
 * volatile and replaced together from the metadata thread; readers never take a lock.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private volatile LeaderState state;

    /** The replication facts taken from the latest metadata image. */
    record LeaderState(int leader, int leaderEpoch, int isrSize, int replicaCount, int minInsyncReplicas) {}

    Partition(TopicPartition topicPartition, Uuid topicId, PartitionLog log, LeaderState state) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.state = state;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }

    public int leaderId() {
        return state.leader();
    }

    void update(LeaderState next, LogConfig config) {
        state = next;
        log.updateConfig(config);
    }

    /** Fewer replicas in sync than assigned (Kafka's under-replicated partition). */
    public boolean isUnderReplicated() {
        LeaderState current = state;
        return current.isrSize() < current.replicaCount();
    }

    public boolean isLeader(int nodeId) {
        return state.leader() == nodeId;
    }

    /**
     * The high watermark. With every replica of this partition on this broker (the single-node
     * case) it is the log end; follower tracking moves it once replication lands.
     */
    public long highWatermark() {
        return log.logEndOffset();
    }

    /** Below the high watermark, up to the first offset of the oldest open transaction (KIP-98). */
    public long lastStableOffset() {
        return log.lastStableOffset(highWatermark());
    }

    LogAppendResult appendAsLeader(int nodeId, MemoryRecords records, short requiredAcks) {
        LeaderState current = state;
        if (current.leader() != nodeId) {
            throw new NotLeaderOrFollowerException("This broker is not the leader of " + topicPartition);
        }
        if (requiredAcks == -1 && current.isrSize() < current.minInsyncReplicas()) {
            throw new NotEnoughReplicasException("The in-sync replicas of " + topicPartition + " (" + current.isrSize()
                    + ") are fewer than min.insync.replicas=" + current.minInsyncReplicas());
        }
        return log.append(records, current.leaderEpoch(), true);
    }

    /** A coordinator's write as leader (transaction markers, transactional offset commits): no sequence checks. */
    LogAppendResult appendAsCoordinator(int nodeId, MemoryRecords records) {
        if (state.leader() != nodeId) {
            throw new NotLeaderOrFollowerException("This broker is not the leader of " + topicPartition);
        }
        return log.appendAsCoordinator(records, state.leaderEpoch());
    }

    /** Checks a client's view of the leader epoch (KIP-320): older is fenced, newer means our metadata lags. */
    void checkLeaderEpoch(int requestEpoch) {
        int ours = state.leaderEpoch();
        if (requestEpoch >= 0 && requestEpoch < ours) {
            throw new FencedLeaderEpochException("Leader epoch " + requestEpoch + " of " + topicPartition
                    + " is older than the current " + ours);
        }
        if (requestEpoch > ours) {
            throw new UnknownLeaderEpochException("Leader epoch " + requestEpoch + " of " + topicPartition
                    + " is newer than the current " + ours);
        }
    }

    Records read(long fetchOffset, int maxBytes, long upperBound, boolean minOneMessage) {
        return log.read(fetchOffset, maxBytes, upperBound, minOneMessage).records();
    }
}
