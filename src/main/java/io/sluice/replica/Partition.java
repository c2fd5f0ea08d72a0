package io.sluice.replica;

import io.sluice.log.EpochEndOffset;
import io.sluice.log.LogAppendResult;
import io.sluice.log.LogConfig;
import io.sluice.log.PartitionLog;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;

/**
 * One partition hosted on this broker: its log and its replication state, as leader or follower.
 *
 * <p>The leader tracks each follower's log end from its fetches; the high watermark is the smallest
 * log end over the in-sync replicas. It only moves forward (except when a follower truncates its own
 * log), is published in a volatile field so readers never lock, and each advance completes the
 * acks=all produces it covers and wakes parked fetches. Leadership fields are replaced together
 * from the metadata thread.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private final int localId;
    private final Consumer<TopicPartition> highWatermarkAdvanced;
    private final Map<Integer, FollowerProgress> followers = new ConcurrentHashMap<>();
    private final ReplicationWaiters waiters = new ReplicationWaiters();
    private final Object highWatermarkLock = new Object();
    private volatile LeaderState state;
    private volatile long highWatermark;
    private volatile long followerLag;
    /** Replicas the leader asked the controller to add to the ISR: they count for the high watermark at once. */
    private volatile Set<Integer> pendingIsrAdditions = Set.of();
    /** Where this broker's current leader epoch began in the log. */
    private volatile long leaderEpochStartOffset;
    private final Object isrLock = new Object();
    /** The ISR change sent to the controller and not yet in the image; one at a time. */
    private IsrProposal isrInFlight;

    /** An ISR change for the controller, made against one leader epoch and partition epoch. */
    record IsrProposal(Partition partition, List<Integer> isr, int leaderEpoch, int partitionEpoch) {}

    /**
     * The replication facts taken from the latest metadata image. addingReplicas: those an ongoing
     * reassignment is adding (they are among the replicas, still copying the log).
     */
    record LeaderState(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr, int partitionEpoch,
                       int minInsyncReplicas, List<Integer> addingReplicas) {
        LeaderState {
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            addingReplicas = List.copyOf(addingReplicas);
        }

        /** No reassignment in progress. */
        LeaderState(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr, int partitionEpoch,
                    int minInsyncReplicas) {
            this(leader, leaderEpoch, replicas, isr, partitionEpoch, minInsyncReplicas, List.of());
        }
    }

    /** checkpointedHighWatermark: from the last checkpoint (-1 if none), kept within the log's bounds. */
    Partition(TopicPartition topicPartition, Uuid topicId, PartitionLog log, int localId, LeaderState state,
              Consumer<TopicPartition> highWatermarkAdvanced, long checkpointedHighWatermark, long nowMs) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localId = localId;
        this.highWatermarkAdvanced = highWatermarkAdvanced;
        this.highWatermark = Math.max(log.logStartOffset(), Math.min(checkpointedHighWatermark, log.logEndOffset()));
        // Records above the high watermark may yet be truncated: the cleaner keeps below it from the start.
        log.setCleanerUpperBound(highWatermark);
        this.state = new LeaderState(-1, -1, List.of(), List.of(), -1, state.minInsyncReplicas());
        update(state, log.config(), nowMs);
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

    LeaderState state() {
        return state;
    }

    /**
     * Applies a new metadata view. On becoming leader (or a new leader epoch) the epoch's start is
     * recorded at the log end, so followers that diverge can find where to truncate, and the
     * followers' progress starts over; on losing leadership the waiting acks=all produces fail.
     */
    void update(LeaderState next, LogConfig config, long nowMs) {
        log.updateConfig(config);
        LeaderState previous = state;
        boolean leaderNow = next.leader() == localId;
        boolean newTerm = !(previous.leader() == localId && previous.leaderEpoch() == next.leaderEpoch());
        if (leaderNow && newTerm) {
            leaderEpochStartOffset = log.logEndOffset();
            log.assignEpoch(next.leaderEpoch(), leaderEpochStartOffset);
            followers.clear();
        }
        synchronized (isrLock) {
            if (newTerm || next.partitionEpoch() != previous.partitionEpoch()) {
                // The image moved on: the controller decided (added members are in next's ISR now), or the proposal is stale.
                isrInFlight = null;
                pendingIsrAdditions = Set.of();
            }
        }
        if (leaderNow) {
            for (int replica : next.replicas()) {
                if (replica != localId) {
                    // In-sync replicas get a fresh lag clock: they were caught up by the controller's record.
                    followers.computeIfAbsent(replica, r -> new FollowerProgress(next.isr().contains(r) ? nowMs : 0));
                }
            }
            followers.keySet().retainAll(next.replicas());
        } else {
            followers.clear();
        }
        state = next;
        if (leaderNow) {
            maybeAdvanceHighWatermark();
        } else {
            waiters.failAll(Errors.NOT_LEADER_OR_FOLLOWER);
        }
    }

    /**
     * This broker no longer hosts the partition (it moved away or its topic is gone): it leads nothing, and
     * the acks=all produces still waiting fail with NOT_LEADER_OR_FOLLOWER at once, so their producers
     * retry at the new leader instead of waiting out their request timeout.
     */
    void stopHosting() {
        LeaderState current = state;
        state = new LeaderState(-1, current.leaderEpoch(), List.of(), List.of(), current.partitionEpoch(),
                current.minInsyncReplicas());
        waiters.failAll(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    /** acks=all produces waiting on this partition's high watermark. */
    int waitingProduces() {
        return waiters.size();
    }

    /**
     * Fewer replicas in sync than assigned (Kafka's under-replicated partition). As in Kafka, replicas a
     * reassignment is still adding do not count: a move is not an under-replication.
     */
    public boolean isUnderReplicated() {
        LeaderState current = state;
        return current.isr().size() < current.replicas().size() - current.addingReplicas().size();
    }

    public boolean isLeader(int nodeId) {
        return state.leader() == nodeId;
    }

    /** Whether this broker should fetch the partition from a live leader. */
    boolean isFollower() {
        LeaderState current = state;
        return current.leader() >= 0 && current.leader() != localId && current.replicas().contains(localId);
    }

    /** The offset below which records are on every in-sync replica; consumers read only below it. */
    public long highWatermark() {
        return highWatermark;
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
        if (requiredAcks == -1 && current.isr().size() < current.minInsyncReplicas()) {
            throw new NotEnoughReplicasException("The in-sync replicas of " + topicPartition + " (" + current.isr().size()
                    + ") are fewer than min.insync.replicas=" + current.minInsyncReplicas());
        }
        LogAppendResult result = log.append(records, current.leaderEpoch(), true);
        maybeAdvanceHighWatermark();
        return result;
    }

    /** Completes (never blocking) once the high watermark passes lastOffset, or fails as the leadership changes. */
    CompletableFuture<Errors> awaitReplication(long lastOffset) {
        CompletableFuture<Errors> waiter = waiters.add(lastOffset);
        if (!isLeader(localId)) {
            waiters.failAll(Errors.NOT_LEADER_OR_FOLLOWER);
        } else {
            completeWaiters(highWatermark);
        }
        return waiter;
    }

    /** A follower fetched from fetchOffset while the leader's log ended at leaderEndOffset. */
    void followerFetched(int replicaId, long replicaBrokerEpoch, long fetchOffset, long leaderEndOffset, long nowMs) {
        FollowerProgress progress = followers.get(replicaId);
        if (progress != null) {
            progress.brokerEpoch(replicaBrokerEpoch);
            progress.fetched(fetchOffset, leaderEndOffset, nowMs);
            maybeAdvanceHighWatermark();
        }
    }

    /** An ISR without the followers lagging for lagTimeMaxMs, unless a proposal is already in flight. */
    Optional<IsrProposal> proposeIsrShrink(long nowMs, long lagTimeMaxMs) {
        synchronized (isrLock) {
            LeaderState current = state;
            if (current.leader() != localId || isrInFlight != null) {
                return Optional.empty();
            }
            return IsrPolicy.shrunk(localId, current.isr(), followers, nowMs, lagTimeMaxMs).map(this::inFlight);
        }
    }

    /** An ISR with the eligible followers that caught up, unless a proposal is already in flight. */
    Optional<IsrProposal> proposeIsrExpansion(IsrPolicy.Eligibility eligibility) {
        synchronized (isrLock) {
            LeaderState current = state;
            if (current.leader() != localId || isrInFlight != null) {
                return Optional.empty();
            }
            Optional<IsrProposal> proposal = IsrPolicy.expanded(current.isr(), followers, highWatermark,
                    leaderEpochStartOffset, eligibility).map(this::inFlight);
            proposal.ifPresent(p -> {
                Set<Integer> added = new HashSet<>(p.isr());
                added.removeAll(current.isr());
                pendingIsrAdditions = Set.copyOf(added);
            });
            return proposal;
        }
    }

    private IsrProposal inFlight(List<Integer> isr) {
        LeaderState current = state;
        isrInFlight = new IsrProposal(this, isr, current.leaderEpoch(), current.partitionEpoch());
        return isrInFlight;
    }

    /** The controller refused the proposal (or it went stale): forget it; the next check proposes afresh. */
    void dropIsrProposal(IsrProposal proposal) {
        synchronized (isrLock) {
            if (isrInFlight == proposal) {
                isrInFlight = null;
                pendingIsrAdditions = Set.of();
            }
        }
    }

    /** Whether proposal is still the one in flight, made against the current leader and partition epochs. */
    boolean isCurrent(IsrProposal proposal) {
        synchronized (isrLock) {
            LeaderState current = state;
            return isrInFlight == proposal && current.leaderEpoch() == proposal.leaderEpoch()
                    && current.partitionEpoch() == proposal.partitionEpoch();
        }
    }

    /** The broker epoch a follower last fetched with, for AlterPartition's member epochs. */
    long followerBrokerEpoch(int replicaId) {
        FollowerProgress progress = followers.get(replicaId);
        return progress == null ? -1 : progress.brokerEpoch();
    }

    /** Whether replicaId is one of this partition's assigned followers. */
    boolean hasFollower(int replicaId) {
        return followers.containsKey(replicaId);
    }

    /** The followers' progress, for the ISR checks. */
    Map<Integer, FollowerProgress> followers() {
        return followers;
    }

    private void maybeAdvanceHighWatermark() {
        long advancedTo = -1;
        synchronized (highWatermarkLock) {
            LeaderState current = state;
            if (current.leader() != localId) {
                return;
            }
            // The smallest log end over the ISR and the members proposed for it (no allocation: this runs per append).
            long leaderEnd = log.logEndOffset();
            long min = leaderEnd;
            for (int replica : current.isr()) {
                min = Math.min(min, logEndOf(replica, leaderEnd));
            }
            for (int replica : pendingIsrAdditions) {
                min = Math.min(min, logEndOf(replica, leaderEnd));
            }
            if (min > highWatermark) {
                highWatermark = min;
                advancedTo = min;
                log.setCleanerUpperBound(min);
            }
        }
        if (advancedTo >= 0) {
            highWatermarkAdvanced.accept(topicPartition);
        }
        completeWaiters(highWatermark);
    }

    /** A replica's log end as the leader knows it: its own for this broker, -1 for a follower not heard from. */
    private long logEndOf(int replica, long ownLogEnd) {
        if (replica == localId) {
            return ownLogEnd;
        }
        FollowerProgress progress = followers.get(replica);
        return progress == null ? -1 : progress.logEndOffset();
    }

    private void completeWaiters(long hwm) {
        LeaderState current = state;
        waiters.highWatermarkReached(hwm, current.isr().size() >= current.minInsyncReplicas());
    }

    /** A coordinator's write as leader (transaction markers, transactional offset commits): no sequence checks. */
    LogAppendResult appendAsCoordinator(int nodeId, MemoryRecords records) {
        if (state.leader() != nodeId) {
            throw new NotLeaderOrFollowerException("This broker is not the leader of " + topicPartition);
        }
        LogAppendResult result = log.appendAsCoordinator(records, state.leaderEpoch());
        maybeAdvanceHighWatermark();
        return result;
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

    // ---------------------------------------------------------------- follower side

    /** Appends batches fetched from the leader as they are (offsets and epochs the leader gave them). */
    void appendAsFollower(MemoryRecords records) {
        log.appendAsFollower(records);
    }

    /** As a follower, how far this replica's log end was behind the leader's high watermark at the last fetch. */
    long followerLag() {
        return followerLag;
    }

    /** The follower's high watermark: the leader's, capped by what this replica holds. */
    void followLeaderHighWatermark(long leaderHighWatermark) {
        followerLag = Math.max(0, leaderHighWatermark - log.logEndOffset());
        boolean advanced = false;
        synchronized (highWatermarkLock) {
            long next = Math.min(leaderHighWatermark, log.logEndOffset());
            if (next > highWatermark) {
                highWatermark = next;
                log.setCleanerUpperBound(next);
                advanced = true;
            }
        }
        if (advanced) {
            // Consumers reading from this follower (KIP-392) wait on its high watermark.
            highWatermarkAdvanced.accept(topicPartition);
        }
    }

    /** Records the leader deleted (DeleteRecords, retention) go here too once this replica holds their successors. */
    void followLeaderLogStart(long leaderLogStartOffset) {
        if (leaderLogStartOffset > log.logStartOffset() && leaderLogStartOffset <= log.logEndOffset()) {
            log.deleteRecordsBefore(leaderLogStartOffset);
        }
    }

    /**
     * The leader says this replica's log diverged after (epoch, endOffset): keep only what both
     * logs agree on, the smaller of the leader's end of that epoch and ours.
     */
    void truncateDivergentSuffix(int epoch, long leaderEndOffset) {
        EpochEndOffset ours = log.endOffsetForEpoch(epoch);
        long target = ours.endOffset() < 0 ? leaderEndOffset : Math.min(ours.endOffset(), leaderEndOffset);
        truncateTo(Math.min(target, log.logEndOffset()));
    }

    /** Drops everything from offset on; the high watermark follows the log end down if needed. */
    void truncateTo(long offset) {
        synchronized (highWatermarkLock) {
            log.truncateTo(offset);
            highWatermark = Math.min(highWatermark, log.logEndOffset());
            log.setCleanerUpperBound(highWatermark);
        }
    }

    /** The leader no longer has our fetch offset (its log starts later): start over empty at its log start. */
    void restartAt(long leaderLogStartOffset) {
        synchronized (highWatermarkLock) {
            log.truncateFullyAndStartAt(leaderLogStartOffset);
            highWatermark = leaderLogStartOffset;
            log.setCleanerUpperBound(highWatermark);
        }
    }
}
