package io.sluice.raft;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.sluice.raft.RaftMessage.FetchRequest;

/**
 * What only a leader tracks for its epoch: how far each voter has acknowledged, when each voter
 * last fetched (check-quorum), and fetches held until there is news (long poll).
 */
final class LeaderState {

    private static final class Progress {
        long endOffset;
        long lastFetchAt;
        long lastCaughtUpAt = -1;
        String directoryId = "";
    }

    private record Held(FetchRequest request, long deadline) {
    }

    private final long epochStartOffset;
    private final long electedAt;
    private final Map<Integer, Progress> voters = new TreeMap<>();
    /** Non-voters fetching from us (brokers): reported by DescribeQuorum, never counted for commit. */
    private final Map<Integer, Progress> observers = new TreeMap<>();
    private final Map<Integer, Held> held = new TreeMap<>();

    long epochStartOffset() {
        return epochStartOffset;
    }

    LeaderState(int self, Iterable<Integer> voterIds, long epochStartOffset, long now) {
        this.epochStartOffset = epochStartOffset;
        this.electedAt = now;
        for (int id : voterIds) {
            if (id != self) {
                Progress p = new Progress();
                p.lastFetchAt = now;
                voters.put(id, p);
            }
        }
    }

    /** Records a fetch that matched our log: the fetch offset is an acknowledgement of all below it. */
    void onValidFetch(int replica, long fetchOffset, long leaderEndOffset, long now) {
        Progress p = progress(replica);
        p.endOffset = fetchOffset;
        p.lastFetchAt = now;
        if (fetchOffset >= leaderEndOffset) {
            p.lastCaughtUpAt = now;
        }
    }

    /** Any fetch in our epoch shows the replica still follows us, even one that must truncate first. */
    void onFetch(int replica, long now) {
        progress(replica).lastFetchAt = now;
    }

    /** The directory id a replica fetches with: what a voter change names it by. */
    void noteDirectory(int replica, String directoryId) {
        progress(replica).directoryId = directoryId;
    }

    /**
     * The voter set changed while we lead: a new voter keeps the progress it made as an observer; a removed
     * one is forgotten, and listed as an observer again once it fetches (a dead one then never is). Only
     * voters count for commit and check-quorum.
     */
    void updateVoters(int self, java.util.Set<Integer> voterIds, long now) {
        voters.keySet().removeIf(id -> !voterIds.contains(id));
        for (int id : voterIds) {
            if (id != self && !voters.containsKey(id)) {
                Progress p = observers.remove(id);
                if (p == null) {
                    p = new Progress();
                    p.lastFetchAt = now;
                }
                voters.put(id, p);
            }
        }
    }

    /** Whether {@code replica} with this directory id fetches from us and reached our log end within {@code withinMs}. */
    boolean caughtUp(int replica, String directoryId, long now, long withinMs) {
        Progress p = voters.containsKey(replica) ? voters.get(replica) : observers.get(replica);
        return p != null && p.directoryId.equals(directoryId) && p.lastCaughtUpAt >= 0
                && now - p.lastCaughtUpAt <= withinMs;
    }

    private Progress progress(int replica) {
        Progress p = voters.get(replica);
        return p != null ? p : observers.computeIfAbsent(replica, id -> new Progress());
    }

    /** Each voter's (not our own) and each observer's progress as last seen. */
    List<QuorumStatus.ReplicaProgress> voterProgress() {
        return report(voters);
    }

    List<QuorumStatus.ReplicaProgress> observerProgress() {
        return report(observers);
    }

    private static List<QuorumStatus.ReplicaProgress> report(Map<Integer, Progress> replicas) {
        List<QuorumStatus.ReplicaProgress> out = new ArrayList<>();
        replicas.forEach((id, p) -> out.add(new QuorumStatus.ReplicaProgress(id, p.directoryId, p.endOffset,
                p.lastFetchAt, p.lastCaughtUpAt)));
        return out;
    }

    /**
     * The offset below which a majority of voters (our own flushed log included, while we are a voter) hold
     * the log, or -1 while that does not yet include an entry of our epoch: committing an older epoch's entry
     * by counting replicas is unsafe (Raft §5.4.2), so the leader-change entry must be covered first. A
     * leader removing itself leads on until that change commits, without counting itself (KIP-853).
     */
    long replicatedOffset(long ownFlushedEnd, boolean selfVotes, int majority) {
        List<Long> ends = new ArrayList<>();
        if (selfVotes) {
            ends.add(ownFlushedEnd);
        }
        voters.values().forEach(p -> ends.add(p.endOffset));
        ends.sort(Collections.reverseOrder());
        if (ends.size() < majority) {
            return -1;
        }
        long candidate = ends.get(majority - 1);
        return candidate > epochStartOffset ? candidate : -1;
    }

    /** Whether a majority of voters (counting us if we vote) fetched within the fetch timeout. */
    boolean hasQuorum(long now, long fetchTimeoutMs, boolean selfVotes, int majority) {
        if (now - electedAt < fetchTimeoutMs) {
            return true;
        }
        long live = (selfVotes ? 1 : 0) + voters.values().stream().filter(p -> now - p.lastFetchAt < fetchTimeoutMs).count();
        return live >= majority;
    }

    /** Voters that have not fetched since {@code since}: they may not know about us, or be stuck elsewhere. */
    List<Integer> votersNotFetchedSince(long since) {
        List<Integer> ids = new ArrayList<>();
        voters.forEach((id, p) -> {
            if (p.lastFetchAt <= since) {
                ids.add(id);
            }
        });
        return ids;
    }

    void hold(FetchRequest request, long deadline) {
        held.put(request.from(), new Held(request, deadline));
    }

    void release(int replica) {
        held.remove(replica);
    }

    /** Removes and returns held fetches: all of them, or only those past their deadline. */
    List<FetchRequest> releaseHeld(boolean all, long now) {
        List<FetchRequest> out = new ArrayList<>();
        held.values().removeIf(h -> {
            if (all || now >= h.deadline) {
                out.add(h.request);
                return true;
            }
            return false;
        });
        return out;
    }

}
