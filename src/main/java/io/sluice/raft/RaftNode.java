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
 *
 * <p>The voters are fixed by configuration (a static quorum) or read from the log (a dynamic quorum,
 * KIP-853): a voter-set control entry takes effect when appended, one change at a time, each committed
 * before the next is accepted ({@link #addVoter}, {@link #removeVoter}).
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

    private final VoterHistory voters;
    /** The leader's voter change awaiting commit, and the offset of its entry. */
    private CompletableFuture<Void> voterChange;
    private long voterChangeOffset = -1;
    private final QuorumAddresses addresses;

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

        VoterSet configured = VoterSet.ofAddresses(config.voters());
        this.voters = new VoterHistory(configured);
        this.addresses = new QuorumAddresses(self, config.bootstrapServers(), transport);
        Optional<Snapshot> snapshot = snapshots.latest();
        snapshot.ifPresent(s -> {
            log.truncatePrefix(s.id());
            VoterSetCodec.SnapshotParts parts = VoterSetCodec.unwrapSnapshot(s.data());
            voters.reset(parts.voters().filter(v -> config.isDynamic()).orElse(configured));
            listener.onLoadSnapshot(s.id().offset(), parts.application());
        });
        highWatermark = appliedEnd = lastSnapshotEnd = snapshot.map(s -> s.id().offset()).orElse(log.startOffset());
        readVoterChanges(log.startOffset());
        addresses.push(voterSet());

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
        List<QuorumStatus.ReplicaProgress> progress = new ArrayList<>();
        if (isVoter()) {
            progress.add(new QuorumStatus.ReplicaProgress(self, config.directoryId(), log.endOffset(), now, now));
        }
        progress.addAll(leader.voterProgress());
        return Optional.of(new QuorumStatus(self, epoch, highWatermark, now, progress,
                leader.observerProgress(), voterSet()));
    }

    public int nodeId() {
        return self;
    }

    /** The voter set in effect at this node's log end. */
    public VoterSet voterSet() {
        return voters.current();
    }

    /**
     * Adds a voter (KIP-853 AddRaftVoter): it must be fetching from this leader with the same directory id
     * and have reached the log end within the fetch timeout. The future completes once the new voter set is
     * committed, or fails with {@link VoterChangeException} or {@link NotLeaderException}.
     */
    public CompletableFuture<Void> addVoter(Voter voter) {
        Optional<VoterChangeException> refused = voterChangeRefused();
        if (refused.isPresent()) {
            return CompletableFuture.failedFuture(refused.get());
        }
        if (voterSet().contains(voter.id())) {
            return CompletableFuture.failedFuture(new VoterChangeException(VoterChangeException.Reason.DUPLICATE_VOTER,
                    "node " + voter.id() + " is already a voter"));
        }
        if (!leader.caughtUp(voter.id(), voter.directoryId(), now, config.fetchTimeoutMs())) {
            return CompletableFuture.failedFuture(new VoterChangeException(VoterChangeException.Reason.NOT_CAUGHT_UP,
                    "node " + voter.id() + " with directory id " + voter.directoryId()
                            + " is not fetching from the leader or has not caught up with its log"));
        }
        return changeVoters(voterSet().with(voter));
    }

    /** Removes a voter (KIP-853 RemoveRaftVoter); the leader may remove itself and resigns once that commits. */
    public CompletableFuture<Void> removeVoter(int id, String directoryId) {
        Optional<VoterChangeException> refused = voterChangeRefused();
        if (refused.isPresent()) {
            return CompletableFuture.failedFuture(refused.get());
        }
        Optional<Voter> voter = voterSet().voter(id).filter(v -> v.directoryId().equals(directoryId));
        if (voter.isEmpty()) {
            return CompletableFuture.failedFuture(new VoterChangeException(VoterChangeException.Reason.VOTER_NOT_FOUND,
                    "no voter " + id + " with directory id " + directoryId + " in " + voterSet().ids()));
        }
        if (voterSet().ids().size() == 1) {
            return CompletableFuture.failedFuture(new VoterChangeException(VoterChangeException.Reason.LAST_VOTER,
                    "node " + id + " is the only voter"));
        }
        return changeVoters(voterSet().without(id));
    }

    /**
     * Replaces a voter's endpoints (KIP-853 UpdateRaftVoter, which a controller sends when it listens
     * elsewhere now); the voter is named by id and directory id. Nothing to change completes at once.
     */
    public CompletableFuture<Void> updateVoter(Voter voter) {
        Optional<VoterChangeException> refused = voterChangeRefused();
        if (refused.isPresent()) {
            return CompletableFuture.failedFuture(refused.get());
        }
        Optional<Voter> current = voterSet().voter(voter.id()).filter(v -> v.directoryId().equals(voter.directoryId()));
        if (current.isEmpty()) {
            return CompletableFuture.failedFuture(new VoterChangeException(VoterChangeException.Reason.VOTER_NOT_FOUND,
                    "no voter " + voter.id() + " with directory id " + voter.directoryId() + " in " + voterSet().ids()));
        }
        if (current.get().equals(voter)) {
            return CompletableFuture.completedFuture(null);
        }
        return changeVoters(voterSet().with(voter));
    }

    /** Why a voter change cannot start now, if it cannot: one change at a time, each committed first. */
    private Optional<VoterChangeException> voterChangeRefused() {
        if (role != Role.LEADER) {
            return Optional.of(new VoterChangeException(VoterChangeException.Reason.NOT_LEADER,
                    "node " + self + " is not the leader (the leader is " + liveLeader() + ")"));
        }
        if (!config.isDynamic()) {
            return Optional.of(new VoterChangeException(VoterChangeException.Reason.STATIC_QUORUM,
                    "the voters are fixed by controller.quorum.voters"));
        }
        if (highWatermark <= leader.epochStartOffset() || voters.lastChangeOffset() >= highWatermark
                || voterChange != null) {
            return Optional.of(new VoterChangeException(VoterChangeException.Reason.CHANGE_IN_PROGRESS,
                    "a voter change or the leader's epoch start is not committed yet"));
        }
        return Optional.empty();
    }

    private CompletableFuture<Void> changeVoters(VoterSet next) {
        long offset = log.endOffset();
        appendEntry(new LogEntry(offset, epoch, true, VoterSetCodec.encode(next)));
        voterChange = new CompletableFuture<>();
        voterChangeOffset = offset;
        CompletableFuture<Void> result = voterChange;
        answerHeldFetches(true);
        return result;
    }

    // ---------------------------------------------------------------- time

    public void tick(long nowMs) {
        now = nowMs;
        // Snapshots are taken here, never in the call that advanced the high watermark, so every
        // committed entry is visible in a log for at least one step (the simulator checks each one).
        maybeSnapshot();
        if ((role == Role.PROSPECTIVE || role == Role.CANDIDATE) && !isVoter()) {
            becomeUnattached(); // removed from the voters while looking for a leader: an observer now
            return;
        }
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
                if (isVoter()) {
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
        if (!isVoter() && highWatermark > voters.lastChangeOffset()) {
            // Our own removal is committed (KIP-853): a non-voter cannot lead; the voters elect among themselves.
            becomeUnattached();
            return;
        }
        if (!leader.hasQuorum(now, config.fetchTimeoutMs(), isVoter(), majority())) {
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
        // A dynamic quorum's voter may be one this node has not read about yet: its log is behind. Its vote
        // requests are still judged by log length, and only an elected leader announces an epoch.
        boolean fromVoter = config.isDynamic() || voterSet().contains(message.from());
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
        boolean grant = mayVote() && r.epoch() >= epoch && heardFrom == NONE
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
        boolean grant = mayVote() && r.epoch() == epoch && leaderId == NONE
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
        leader.noteDirectory(r.from(), r.directoryId());
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
                snapshotId, addresses.addressOf(self, voterSet()));
    }

    private FetchResponse fetchError(long requestId, Error error) {
        int known = liveLeader();
        String address = known == NONE ? "" : addresses.addressOf(known, voterSet());
        return new FetchResponse(self, epoch, known, requestId, error, List.of(), -1, null, null, address);
    }

    private void onFetchResponse(FetchResponse r) {
        if (!claimInflight(r.requestId())) {
            return; // late, duplicated or from before a restart
        }
        if (r.leaderId() != NONE) {
            // Before observeEpoch: following a new leader sends to it at once.
            addresses.learnLeader(r.leaderId(), r.leaderEndpoint(), voterSet());
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
            r.entries().forEach(this::appendEntry);
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
        VoterSetCodec.SnapshotParts parts = VoterSetCodec.unwrapSnapshot(snapshot.data());
        voters.reset(parts.voters().filter(v -> config.isDynamic()).orElse(VoterSet.ofAddresses(config.voters())));
        readVoterChanges(log.startOffset());
        addresses.push(voterSet());
        listener.onLoadSnapshot(snapshot.id().offset(), parts.application());
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
        boolean observerLooking = role == Role.UNATTACHED && !isVoter();
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
                    LogQueries.lastEpoch(log), highWatermark, config.directoryId()));
        }
    }

    /**
     * Whom an observer asks for the leader: a voter it knows of, or one of the bootstrap servers (which may
     * be any controller, so they are asked too: the voters this node read of may all have been replaced).
     */
    private int randomVoter() {
        List<Integer> ids = new ArrayList<>(voterSet().ids());
        ids.remove(Integer.valueOf(self));
        ids.addAll(addresses.bootstrapIds());
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
        if (voters.lastChangeOffset() >= offset) {
            voters.truncateTo(offset); // an uncommitted voter change is undone with its entry
            voterSetChanged();
        }
    }

    // ---------------------------------------------------------------- voters

    /** Appends to the log; a voter-set entry takes effect at once (KIP-853), committed or not. */
    private void appendEntry(LogEntry entry) {
        log.append(entry);
        if (entry.control()) {
            VoterSetCodec.decodeControl(entry.data()).ifPresent(set -> {
                voters.appended(entry.offset(), set);
                voterSetChanged();
            });
        }
    }

    private void readVoterChanges(long from) {
        for (long o = from; o < log.endOffset(); o++) {
            LogEntry e = log.entry(o);
            if (e.control()) {
                long offset = o;
                VoterSetCodec.decodeControl(e.data()).ifPresent(set -> voters.appended(offset, set));
            }
        }
    }

    private void voterSetChanged() {
        if (role == Role.LEADER) {
            leader.updateVoters(self, voterSet().ids(), now);
        }
        addresses.push(voterSet());
    }

    private boolean isVoter() {
        return voterSet().contains(self);
    }

    /**
     * Whether we answer (pre-)vote requests. In a dynamic quorum a replica may be a voter its own log does not
     * show yet (it has not fetched the entry that added it), and a quorum could wait on it forever. The
     * candidate's log, which must be at least as long as ours to win our vote, is what names the voters, so
     * we answer whether or not our own voter set lists us (KIP-853).
     */
    private boolean mayVote() {
        return config.isDynamic() || isVoter();
    }

    private int majority() {
        return voterSet().majority();
    }

    // ---------------------------------------------------------------- commit

    private void updateHighWatermark() {
        long replicated = leader.replicatedOffset(log.flushedEndOffset(), isVoter(), majority());
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
            if (voterChange != null && highWatermark > voterChangeOffset) {
                CompletableFuture<Void> done = voterChange;
                voterChange = null;
                done.complete(null);
            }
        }
    }

    private void maybeSnapshot() {
        if (appliedEnd - lastSnapshotEnd < config.snapshotIntervalEntries()) {
            return;
        }
        OffsetAndEpoch id = new OffsetAndEpoch(appliedEnd, LogQueries.epochAt(log, appliedEnd - 1));
        byte[] state = listener.takeSnapshot();
        // A dynamic quorum's snapshot carries the voter set, as the log it replaces did.
        byte[] data = config.isDynamic() ? VoterSetCodec.wrapSnapshot(voters.at(appliedEnd - 1), state) : state;
        snapshots.save(new Snapshot(id, data));
        log.truncatePrefix(id);
        voters.truncatePrefix(id.offset());
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
            if (voterChange != null) {
                voterChange.completeExceptionally(new NotLeaderException(NONE, epoch));
                voterChange = null;
            }
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
        if (isVoter()) {
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
        tally = new VoteTally(self, majority());
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
        tally = new VoteTally(self, majority());
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
        leader = new LeaderState(self, voterSet().ids(), epochStart, now);
        sendBeginEpoch(otherVoters());
        updateHighWatermark();
    }

    private void sendBeginEpoch(List<Integer> voters) {
        lastBeginEpochAt = now;
        BeginEpoch message = new BeginEpoch(self, epoch);
        voters.forEach(v -> transport.send(v, message));
    }

    private List<Integer> otherVoters() {
        return voterSet().ids().stream().filter(v -> v != self).toList();
    }

    private long randomElectionTimeout() {
        return config.electionTimeoutMs() + random.nextInt((int) config.electionJitterMs());
    }
}
