package io.sluice.raft;

import java.util.Map;
import java.util.TreeMap;

/**
 * Static configuration of one node.
 *
 * @param voters id → address of every voter; a node whose id is absent is an observer
 * @param electionTimeoutMs base wait before a voter without a leader tries to become one
 * @param electionJitterMs random extra wait, so that voters rarely split the vote
 * @param fetchTimeoutMs a follower that has not fetched successfully for this long looks for a new
 *        leader; a leader that has not heard fetches from a majority for this long resigns
 * @param fetchMaxWaitMs how long a leader holds a fetch that has nothing new (long poll); below the fetch timeout
 * @param requestTimeoutMs after this, an unanswered request is considered lost and sent again
 * @param retryBackoffMs pause after an error before fetching again
 * @param appendLingerMs how long the leader gathers appended records before writing them as one batch
 * @param fetchMaxEntries most entries per fetch response
 * @param snapshotIntervalEntries take a snapshot once this many entries were applied since the last
 * @param snapshotChunkBytes most snapshot bytes per FetchSnapshot response
 */
public record RaftConfig(int nodeId, Map<Integer, String> voters, long electionTimeoutMs, long electionJitterMs,
        long fetchTimeoutMs, long fetchMaxWaitMs, long requestTimeoutMs, long retryBackoffMs, long appendLingerMs,
        int fetchMaxEntries, long snapshotIntervalEntries, int snapshotChunkBytes) {

    public RaftConfig {
        voters = java.util.Collections.unmodifiableMap(new TreeMap<>(voters));
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("at least one voter is needed");
        }
        if (fetchMaxWaitMs >= fetchTimeoutMs || fetchMaxWaitMs >= requestTimeoutMs) {
            throw new IllegalArgumentException("fetchMaxWaitMs must stay below fetchTimeoutMs and requestTimeoutMs");
        }
        if (fetchMaxEntries < 1 || snapshotIntervalEntries < 1 || snapshotChunkBytes < 1 || electionJitterMs < 1) {
            throw new IllegalArgumentException("sizes and jitter must be positive");
        }
    }

    /** KRaft's defaults (election 1 s, fetch timeout 2 s, linger 25 ms). */
    public static RaftConfig defaults(int nodeId, Map<Integer, String> voters) {
        return new RaftConfig(nodeId, voters, 1000, 1000, 2000, 500, 2000, 100, 25, 1000, 20_000, 1 << 20);
    }

    public boolean isVoter() {
        return voters.containsKey(nodeId);
    }

    public int majority() {
        return voters.size() / 2 + 1;
    }
}
