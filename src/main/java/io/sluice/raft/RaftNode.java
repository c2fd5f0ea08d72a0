package io.sluice.raft;

import io.sluice.raft.LogQueries.FetchCheck;
import io.sluice.raft.RaftMessage.BeginEpoch;
import io.sluice.raft.RaftMessage.BeginEpochResponse;
import io.sluice.raft.RaftMessage.Error;
import io.sluice.raft.RaftMessage.FetchRequest;
import io.sluice.raft.RaftMessage.FetchResponse;
import io.sluice.raft.RaftMessage.FetchSnapshotRequest;
import io.sluice.raft.RaftMessage.FetchSnapshotResponse;
import io.sluice.raft.RaftMessage.PreVoteRequest;
import io.sluice.raft.RaftMessage.PreVoteResponse;
import io.sluice.raft.RaftMessage.VoteRequest;
import io.sluice.raft.RaftMessage.VoteResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * One member of a Raft quorum, KRaft style: pull replication, leader epochs, pre-vote, check-quorum,
 * snapshots. A deterministic single-threaded state machine: the owner calls {@link #handle},
 * {@link #tick} and {@link #append} from one thread with explicit time; all randomness comes from the
 * injected {@link Random}; all I/O goes through the injected log, stores and transport. Listener
 * callbacks and future completions run inside those calls.
 */
public final class RaftNode {

    private static final int NONE = QuorumState.NONE;
    /** A time long enough ago for any timeout, yet safe to subtract from (Long.MIN_VALUE would overflow). */
    private static final long NEVER = Long.MIN_VALUE / 2;
    /** Soft cap on the entry bytes of one fetch response; well below the TCP transport's frame limit. */
    static final long FETCH_MAX_BYTES = 8L << 20;

    private final RaftConfig config;
    private final int self;
    private final RaftLog log;
    private final QuorumStateStore stateStore;
    private final SnapshotStore snapshots;
    private final RaftTransport transport;
    private final RaftListener listener;
    private final Random random;
    private final PendingAppends appends = new PendingAppends();

    private long now;
    private Role role = Role.UNATTACHED;
    private int epoch;
    private int votedFor;
    /** The leader of {@link #epoch} once known; kept while looking for a new one so we never vote against it. */
    private int leaderId;
    private QuorumState persisted;

    private long highWatermark;
    /** Next offset to hand to the listener; never above the high watermark. */
    private long appliedEnd;
    private long lastSnapshotEnd;

    private long electionDeadline = Long.MAX_VALUE;
    private long fetchDeadline = Long.MAX_VALUE;
    /** When the leader last answered a fetch or announced itself: what "a live leader" means for pre-votes. */
    private long leaderContactAt = NEVER;
    private VoteTally tally;
    private LeaderState leader;
    private long lastBeginEpochAt;

    private long nextRequestId;
    private long inflightRequestId = -1;
    private long inflightSince;
    private int inflightTarget = NONE;
    /** An observer's guess at a voter that is down (its old leader, or one that did not answer): asked last. */
    private int suspectVoter = NONE;
    /** When a prospective node that won its pre-vote stands as candidate (Long.MAX_VALUE: not yet won). */
    private long candidacyAt = Long.MAX_VALUE;
    private long nextFetchAt;
    private SnapshotDownload download;

    public RaftNode(RaftConfig config, RaftLog log, QuorumStateStore stateStore, SnapshotStore snapshots,
            RaftTransport transport, RaftListener listener, Random random, long now) {
        this.config = config;
        this.self = config.nodeId();
        this.log = log;
        this.stateStore = stateStore;
        this.snapshots = snapshots;
        this.transport = transport;
        this.listener = listener;
        this.random = random;
        this.now = now;
        // Random, so a response to a request sent before a restart cannot match a new request.
        this.nextRequestId = random.nextLong() & Long.MAX_VALUE;

        Optional<Snapshot> snapshot = snapshots.latest();
        snapshot.ifPresent(s -> {
            log.truncatePrefix(s.id());
            listener.onLoadSnapshot(s.id().offset(), s.data());
        });
        highWatermark = appliedEnd = lastSnapshotEnd = snapshot.map(s -> s.id().offset()).orElse(log.startOffset());

        QuorumState state = stateStore.read();
        persisted = state;
        epoch = state.epoch();
        votedFor = state.votedFor();
        leaderId = state.leaderId();
        // A restarted leader does not resume leading: its epoch's followers may have moved on.
        if (leaderId != NONE && leaderId != self) {
            becomeFollower();
        } else {
            becomeUnattached();
        }
    }

    // ---------------------------------------------------------------- application API

    /**
     * Appends records as one batch. The future completes with the offset of the batch's last record
     * once it is committed, or fails with {@link NotLeaderException}.
     */
    public CompletableFuture<Long> append(List<byte[]> records) {
        if (records.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("empty batch"));
        }
        if (role != Role.LEADER) {
            return CompletableFuture.failedFuture(new NotLeaderException(liveLeader(), epoch));
        }
        return appends.add(records, now);
    }

    public Role role() {
        return role;
    }

    public int epoch() {
        return epoch;
    }

    /** The leader this node currently follows or is, or -1. */
    public int leaderId() {
        return liveLeader();
    }

    public long highWatermark() {
        return highWatermark;
    }

    /** The leader's view of every replica's progress (DescribeQuorum); empty unless this node leads. */
    public Optional<QuorumStatus> quorumStatus() {
        if (role != Role.LEADER) {
            return Optional.empty();
        }
        List<QuorumStatus.ReplicaProgress> voters = new ArrayList<>();
        voters.add(new QuorumStatus.ReplicaProgress(self, log.endOffset(), now, now));
        voters.addAll(leader.voterProgress());
        return Optional.of(new QuorumStatus(self, epoch, highWatermark, now, voters,
                leader.observerProgress()));
    }

    public int nodeId() {
        return self;
    }

    // ---------------------------------------------------------------- time

    public void tick(long nowMs) {
        now = nowMs;
        // Snapshots are taken here, never in the call that advanced the high watermark, so every
        // committed entry is visible in a log for at least one step (the simulator checks each one).
        maybeSnapshot();
        switch (role) {
            case LEADER -> leaderTick();
            case FOLLOWER -> {
                if (now >= fetchDeadline) {
                    lostLeader();
                } else {
                    maybeFetch();
                }
            }
            case UNATTACHED -> {
                if (config.isVoter()) {
                    if (now >= electionDeadline) {
                        becomeProspective();
                    }
                } else {
                    maybeFetch();
                }
            }
            case PROSPECTIVE -> {
                if (now >= candidacyAt) {
                    becomeCandidate();
                } else if (now >= electionDeadline) {
                    becomeProspective();
                }
            }
            case CANDIDATE -> {
                if (now >= electionDeadline) {
                    becomeProspective();
                }
            }
        }
    }

    private void leaderTick() {
        if (!leader.hasQuorum(now, config.fetchTimeoutMs(), config.majority())) {
            // Check-quorum: we may be cut off while the others elect a new leader; stop accepting writes.
            becomeUnattached();
            return;
        }
        if (log.flushedEndOffset() < log.endOffset()) {
            log.flush();
            updateHighWatermark();
        }
        if (appends.writeIfDue(now, config.appendLingerMs(), log, epoch)) {
            answerHeldFetches(true);
        }
        answerHeldFetches(false);
        if (now - lastBeginEpochAt >= config.requestTimeoutMs()) {
            // Also reaches a voter that followed us once and then went quiet, e.g. stranded in a later epoch.
            sendBeginEpoch(leader.votersNotFetchedSince(now - config.requestTimeoutMs()));
        }
    }

    // ---------------------------------------------------------------- messages

    public void handle(RaftMessage message, long nowMs) {
        now = nowMs;
        boolean fromVoter = config.voters().containsKey(message.from());
        if (message instanceof PreVoteRequest r) {
            if (fromVoter) {
                onPreVoteRequest(r);
            }
        } else if (message instanceof PreVoteResponse r) {
            onPreVoteResponse(r);
        } else if (message instanceof VoteRequest r) {
            if (fromVoter) {
                onVoteRequest(r);
            }
        } else if (message instanceof VoteResponse r) {
            onVoteResponse(r);
        } else if (message instanceof BeginEpoch r) {
            if (fromVoter) {
                onBeginEpoch(r);
            }
        } else if (message instanceof BeginEpochResponse r) {
            observeEpoch(r.epoch(), r.leaderId());
        } else if (message instanceof FetchRequest r) {
            onFetchRequest(r);
        } else if (message instanceof FetchResponse r) {
            onFetchResponse(r);
        } else if (message instanceof FetchSnapshotRequest r) {
            onFetchSnapshotRequest(r);
        } else if (message instanceof FetchSnapshotResponse r) {
            onFetchSnapshotResponse(r);
        }
    }

    /** Any sign of a newer epoch moves us into it; a known leader of it becomes ours. */
    private void observeEpoch(int otherEpoch, int otherLeader) {
        if (otherEpoch > epoch) {
            epoch = otherEpoch;
            votedFor = NONE;
            leaderId = otherLeader == self ? NONE : otherLeader;
            if (leaderId != NONE) {
                becomeFollower();
            } else {
                becomeUnattached();
            }
        } else if (otherEpoch == epoch && otherLeader != NONE && otherLeader != self && role != Role.LEADER
                && role != Role.FOLLOWER) {
            leaderId = otherLeader;
            becomeFollower();
        }
    }

    private void onPreVoteRequest(PreVoteRequest r) {
        // A voter that still hears from its leader refuses, and says who it is: this is what keeps a
        // node that was cut off from disturbing a healthy quorum when it comes back (KIP-996).
        int heardFrom = recentlyHeardLeader();
        boolean grant = config.isVoter() && r.epoch() >= epoch && heardFrom == NONE
                && logIsBehindOrEqual(r.lastEpoch(), r.endOffset());
        transport.send(r.from(), new PreVoteResponse(self, epoch, heardFrom, grant));
    }

    private void onPreVoteResponse(PreVoteResponse r) {
        observeEpoch(r.epoch(), r.leaderId());
        if (role == Role.PROSPECTIVE && r.granted()) {
            tally.grant(r.from());
            if (tally.won() && candidacyAt == Long.MAX_VALUE) {
                // Voters that lost the same leader win their pre-votes in the same instant; standing at once
                // they would split the vote. A short random wait lets the first candidate's request reach the
                // others while they can still vote for it.
                candidacyAt = now + random.nextInt((int) Math.max(1, config.electionJitterMs() / 4));
                if (now >= candidacyAt) {
                    becomeCandidate();
                }
            }
        }
    }

    private void onVoteRequest(VoteRequest r) {
        if (r.epoch() > epoch) {
            observeEpoch(r.epoch(), NONE);
        }
        boolean grant = config.isVoter() && r.epoch() == epoch && leaderId == NONE
                && (votedFor == NONE || votedFor == r.from())
                && logIsBehindOrEqual(r.lastEpoch(), r.endOffset());
        if (grant && votedFor != r.from()) {
            votedFor = r.from();
            persist(); // durable before the grant leaves: we must never vote twice in an epoch
            electionDeadline = now + randomElectionTimeout();
        }
        transport.send(r.from(), new VoteResponse(self, epoch, liveLeader(), grant));
    }

    private void onVoteResponse(VoteResponse r) {
        observeEpoch(r.epoch(), r.leaderId());
        if (role == Role.CANDIDATE && r.epoch() == epoch) {
            if (r.granted()) {
                tally.grant(r.from());
                if (tally.won()) {
                    becomeLeader();
                }
            } else {
                // Refused in our own epoch: typically a split vote between two voters that lost the same
                // leader at the same moment, each holding its own vote. Waiting out a whole election
                // timeout would cost every failover that much; retry after a short random pause instead,
                // so one of them asks first and wins. (A voter refused for a shorter log gets nowhere by
                // retrying: pre-vote stops it before it disturbs anyone.)
                electionDeadline = Math.min(electionDeadline,
                        now + 1 + random.nextInt((int) Math.max(1, config.electionJitterMs() / 2)));
            }
        }
    }

    private void onBeginEpoch(BeginEpoch r) {
        if (r.epoch() < epoch) {
            transport.send(r.from(), new BeginEpochResponse(self, epoch, liveLeader()));
            return;
        }
        observeEpoch(r.epoch(), r.from());
        if (role == Role.FOLLOWER && r.epoch() == epoch) {
            leaderContactAt = now;
        }
    }

    private void onFetchRequest(FetchRequest r) {
        if (r.epoch() > epoch) {
            observeEpoch(r.epoch(), NONE);
        }
        if (role != Role.LEADER || r.epoch() < epoch) {
            Error error = role == Role.LEADER ? Error.FENCED_EPOCH : Error.NOT_LEADER;
            transport.send(r.from(), fetchError(r.requestId(), error));
            return;
        }
        leader.release(r.from());
        leader.onFetch(r.from(), now);
        if (!respondToFetch(r, false)) {
            leader.hold(r, now + config.fetchMaxWaitMs());
        }
    }

    /** Answers a fetch in our epoch; returns false (sending nothing) if there is no news and it may wait. */
    private boolean respondToFetch(FetchRequest r, boolean mustAnswer) {
        FetchCheck check = LogQueries.checkFetch(log, r.fetchOffset(), r.lastFetchedEpoch());
        FetchResponse response;
        if (check instanceof FetchCheck.NeedsSnapshot) {
            response = fetchResponse(r.requestId(), List.of(), null, snapshots.latest().orElseThrow().id());
        } else if (check instanceof FetchCheck.Diverging d) {
            response = fetchResponse(r.requestId(), List.of(), d.hint(), null);
        } else {
            leader.onValidFetch(r.from(), r.fetchOffset(), log.endOffset(), now);
            updateHighWatermark();
            long end = Math.min(log.endOffset(), r.fetchOffset() + config.fetchMaxEntries());
            List<LogEntry> entries = new ArrayList<>();
            long bytes = 0;
            // Also bounded in bytes (at least one entry), so a response always fits a transport frame
            // however large the entries are: a follower that could never receive one would never catch up.
            for (long o = r.fetchOffset(); o < end && (entries.isEmpty() || bytes < FETCH_MAX_BYTES); o++) {
                LogEntry e = log.entry(o);
                entries.add(e);
                bytes += e.data().length;
            }
            if (entries.isEmpty() && r.highWatermark() == highWatermark && !mustAnswer) {
                return false;
            }
            response = fetchResponse(r.requestId(), entries, null, null);
        }
        transport.send(r.from(), response);
        return true;
    }

    private void answerHeldFetches(boolean all) {
        if (role == Role.LEADER) {
            for (FetchRequest r : leader.releaseHeld(all, now)) {
                if (!respondToFetch(r, !all)) {
                    leader.hold(r, now + config.fetchMaxWaitMs());
                }
            }
        }
    }

    private FetchResponse fetchResponse(long requestId, List<LogEntry> entries, OffsetAndEpoch diverging,
            OffsetAndEpoch snapshotId) {
        return new FetchResponse(self, epoch, self, requestId, Error.NONE, entries, highWatermark, diverging,
                snapshotId);
    }

    private FetchResponse fetchError(long requestId, Error error) {
        return new FetchResponse(self, epoch, liveLeader(), requestId, error, List.of(), -1, null, null);
    }

    private void onFetchResponse(FetchResponse r) {
        if (!claimInflight(r.requestId())) {
            return; // late, duplicated or from before a restart
        }
        observeEpoch(r.epoch(), r.leaderId());
        if (r.error() != Error.NONE || r.epoch() != epoch || role != Role.FOLLOWER || r.from() != leaderId) {
            nextFetchAt = now + config.retryBackoffMs();
            return;
        }
        fetchDeadline = now + config.fetchTimeoutMs();
        leaderContactAt = now;
        if (r.diverging() != null) {
            truncateSuffix(LogQueries.truncationOffset(log, r.diverging()));
        } else if (r.snapshotId() != null) {
            download = new SnapshotDownload(r.snapshotId());
        } else if (r.entries().isEmpty() || r.entries().get(0).offset() == log.endOffset()) {
            r.entries().forEach(log::append);
            // Flushed before the next fetch, whose offset acknowledges these entries.
            log.flush();
            advanceHighWatermark(Math.min(r.highWatermark(), log.endOffset()));
        }
        maybeFetch();
    }

    private void onFetchSnapshotRequest(FetchSnapshotRequest r) {
        if (r.epoch() > epoch) {
            observeEpoch(r.epoch(), NONE);
        }
        if (role != Role.LEADER || r.epoch() < epoch) {
            Error error = role == Role.LEADER ? Error.FENCED_EPOCH : Error.NOT_LEADER;
            transport.send(r.from(), snapshotResponse(r, error, null, 0));
            return;
        }
        leader.onFetch(r.from(), now);
        Optional<Snapshot> latest = snapshots.latest().filter(s -> s.id().equals(r.snapshotId()));
        if (latest.isEmpty() || r.position() > latest.get().data().length) {
            transport.send(r.from(), snapshotResponse(r, Error.SNAPSHOT_NOT_FOUND, null, 0));
            return;
        }
        byte[] data = latest.get().data();
        int from = (int) r.position();
        byte[] chunk = Arrays.copyOfRange(data, from, Math.min(data.length, from + config.snapshotChunkBytes()));
        transport.send(r.from(), snapshotResponse(r, Error.NONE, chunk, data.length));
    }

    private FetchSnapshotResponse snapshotResponse(FetchSnapshotRequest r, Error error, byte[] chunk, long total) {
        return new FetchSnapshotResponse(self, epoch, liveLeader(), r.requestId(), error, r.snapshotId(), total,
                r.position(), chunk == null ? new byte[0] : chunk);
    }

    private void onFetchSnapshotResponse(FetchSnapshotResponse r) {
        if (!claimInflight(r.requestId())) {
            return;
        }
        observeEpoch(r.epoch(), r.leaderId());
        if (download == null || r.epoch() != epoch || role != Role.FOLLOWER || r.from() != leaderId
                || !r.snapshotId().equals(download.id())) {
            nextFetchAt = now + config.retryBackoffMs();
            return;
        }
        if (r.error() != Error.NONE) {
            download = null; // the leader moved to a newer snapshot: fetch again to learn it
            nextFetchAt = now + config.retryBackoffMs();
            return;
        }
        fetchDeadline = now + config.fetchTimeoutMs();
        leaderContactAt = now;
        download.accept(r.position(), r.chunk(), r.totalSize());
        if (download.complete()) {
            installSnapshot(download.snapshot());
            download = null;
        }
        maybeFetch();
    }

    private void installSnapshot(Snapshot snapshot) {
        if (snapshot.id().offset() <= highWatermark) {
            return; // we already hold all of it as committed entries
        }
        snapshots.save(snapshot); // before the log forgets anything
        log.truncatePrefix(snapshot.id());
        highWatermark = appliedEnd = lastSnapshotEnd = snapshot.id().offset();
        listener.onLoadSnapshot(snapshot.id().offset(), snapshot.data());
    }

    // ---------------------------------------------------------------- fetching (followers, observers)

    private boolean claimInflight(long requestId) {
        if (requestId != inflightRequestId) {
            return false;
        }
        inflightRequestId = -1;
        return true;
    }

    private void maybeFetch() {
        boolean observerLooking = role == Role.UNATTACHED && !config.isVoter();
        if (role != Role.FOLLOWER && !observerLooking) {
            return;
        }
        // A leader answers within its long-poll wait and any other voter at once, so an observer looking for
        // the leader gives up on a silent voter (likely down) after twice that, not the full request timeout.
        long timeout = observerLooking ? Math.min(config.requestTimeoutMs(), 2 * config.fetchMaxWaitMs())
                : config.requestTimeoutMs();
        boolean inflight = inflightRequestId != -1 && now - inflightSince < timeout;
        if (inflight || now < nextFetchAt) {
            return;
        }
        if (inflightRequestId != -1 && observerLooking) {
            suspectVoter = inflightTarget;
        }
        int target = role == Role.FOLLOWER ? leaderId : randomVoter();
        inflightRequestId = nextRequestId++;
        inflightSince = now;
        inflightTarget = target;
        if (download != null) {
            transport.send(target, new FetchSnapshotRequest(self, epoch, inflightRequestId, download.id(),
                    download.position()));
        } else {
            log.flush();
            transport.send(target, new FetchRequest(self, epoch, inflightRequestId, log.endOffset(),
                    LogQueries.lastEpoch(log), highWatermark));
        }
    }

    private int randomVoter() {
        List<Integer> ids = new ArrayList<>(config.voters().keySet());
        if (ids.size() > 1) {
            ids.remove(Integer.valueOf(suspectVoter));
        }
        return ids.get(random.nextInt(ids.size()));
    }

    private void truncateSuffix(long offset) {
        if (offset < highWatermark) {
            throw new IllegalStateException("node " + self + " asked to truncate committed entries: to " + offset
                    + " below high watermark " + highWatermark);
        }
        log.truncateTo(offset);
    }

    // ---------------------------------------------------------------- commit

    private void updateHighWatermark() {
        long replicated = leader.replicatedOffset(log.flushedEndOffset(), config.majority());
        if (replicated > highWatermark) {
            advanceHighWatermark(replicated);
            answerHeldFetches(true);
        }
    }

    private void advanceHighWatermark(long offset) {
        if (offset <= highWatermark) {
            return;
        }
        highWatermark = offset;
        while (appliedEnd < highWatermark) {
            LogEntry e = log.entry(appliedEnd);
            if (!e.control()) {
                listener.onCommit(e.offset(), e.data());
            }
            appliedEnd++;
        }
        if (role == Role.LEADER) {
            appends.commitUpTo(highWatermark);
        }
    }

    private void maybeSnapshot() {
        if (appliedEnd - lastSnapshotEnd < config.snapshotIntervalEntries()) {
            return;
        }
        OffsetAndEpoch id = new OffsetAndEpoch(appliedEnd, LogQueries.epochAt(log, appliedEnd - 1));
        snapshots.save(new Snapshot(id, listener.takeSnapshot()));
        log.truncatePrefix(id);
        lastSnapshotEnd = appliedEnd;
    }

    // ---------------------------------------------------------------- role changes

    private int liveLeader() {
        return role == Role.LEADER ? self : role == Role.FOLLOWER ? leaderId : NONE;
    }

    private int recentlyHeardLeader() {
        boolean heard = role == Role.FOLLOWER && now - leaderContactAt < config.fetchTimeoutMs();
        return role == Role.LEADER ? self : heard ? leaderId : NONE;
    }

    /** True when our log is no longer than (lastEpoch, endOffset): that log holds all we hold. */
    private boolean logIsBehindOrEqual(int lastEpoch, long endOffset) {
        OffsetAndEpoch ours = new OffsetAndEpoch(log.endOffset(), LogQueries.lastEpoch(log));
        return ours.compareTo(new OffsetAndEpoch(endOffset, lastEpoch)) <= 0;
    }

    private void leaveRole() {
        if (role == Role.LEADER) {
            appends.failAll(new NotLeaderException(NONE, epoch));
            leader = null;
        }
        tally = null;
        download = null;
        leaderContactAt = NEVER;
        inflightRequestId = -1;
        electionDeadline = Long.MAX_VALUE;
        fetchDeadline = Long.MAX_VALUE;
    }

    private void persist() {
        QuorumState state = new QuorumState(epoch, votedFor, leaderId);
        if (!state.equals(persisted)) {
            stateStore.write(state);
            persisted = state;
        }
    }

    private void becomeUnattached() {
        leaveRole();
        role = Role.UNATTACHED;
        persist();
        electionDeadline = now + randomElectionTimeout();
    }

    private void becomeFollower() {
        leaveRole();
        role = Role.FOLLOWER;
        persist();
        fetchDeadline = now + config.fetchTimeoutMs();
        nextFetchAt = now;
        maybeFetch();
    }

    /** A follower whose leader went quiet: voters look for a new one, observers ask around. */
    private void lostLeader() {
        if (config.isVoter()) {
            becomeProspective();
        } else {
            suspectVoter = leaderId; // it went quiet: look for its successor among the others first
            leaderId = NONE;
            becomeUnattached();
        }
    }

    private void becomeProspective() {
        leaveRole();
        role = Role.PROSPECTIVE;
        candidacyAt = Long.MAX_VALUE;
        // What we report about our log must survive a crash.
        log.flush();
        electionDeadline = now + randomElectionTimeout();
        tally = new VoteTally(self, config.majority());
        if (tally.won()) {
            becomeCandidate();
            return;
        }
        PreVoteRequest request = new PreVoteRequest(self, epoch, LogQueries.lastEpoch(log), log.endOffset());
        otherVoters().forEach(v -> transport.send(v, request));
    }

    private void becomeCandidate() {
        leaveRole();
        role = Role.CANDIDATE;
        epoch++;
        votedFor = self;
        leaderId = NONE;
        persist();
        electionDeadline = now + randomElectionTimeout();
        tally = new VoteTally(self, config.majority());
        if (tally.won()) {
            becomeLeader();
            return;
        }
        VoteRequest request = new VoteRequest(self, epoch, LogQueries.lastEpoch(log), log.endOffset());
        otherVoters().forEach(v -> transport.send(v, request));
    }

    private void becomeLeader() {
        leaveRole();
        role = Role.LEADER;
        leaderId = self;
        persist();
        long epochStart = log.endOffset();
        // Committing this entry commits everything before it: the only safe way to commit older epochs.
        log.append(LogEntry.leaderChange(epochStart, epoch));
        leader = new LeaderState(self, config.voters().keySet(), epochStart, now);
        sendBeginEpoch(otherVoters());
        updateHighWatermark();
    }

    private void sendBeginEpoch(List<Integer> voters) {
        lastBeginEpochAt = now;
        BeginEpoch message = new BeginEpoch(self, epoch);
        voters.forEach(v -> transport.send(v, message));
    }

    private List<Integer> otherVoters() {
        return config.voters().keySet().stream().filter(v -> v != self).toList();
    }

    private long randomElectionTimeout() {
        return config.electionTimeoutMs() + random.nextInt((int) config.electionJitterMs());
    }
}
