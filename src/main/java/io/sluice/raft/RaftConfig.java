package io.sluice.raft;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Static configuration of one node.
 *
 * @param voters id → address of every voter of a static quorum (controller.quorum.voters); a node whose id
 *        is absent is an observer. Empty for a dynamic quorum (KIP-853), whose voter set is read from the log.
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
 * @param directoryId this node's metadata directory id, sent with its fetches so a leader can name it
 *        in a voter change; "" if it has none
 * @param bootstrapServers a dynamic quorum's controller.quorum.bootstrap.servers (host:port): where a node
 *        that knows no voter yet asks for the leader
 */
public record RaftConfig(int nodeId, Map<Integer, String> voters, long electionTimeoutMs, long electionJitterMs,
        long fetchTimeoutMs, long fetchMaxWaitMs, long requestTimeoutMs, long retryBackoffMs, long appendLingerMs,
        int fetchMaxEntries, long snapshotIntervalEntries, int snapshotChunkBytes, String directoryId,
        List<String> bootstrapServers) {

    public RaftConfig {
        voters = java.util.Collections.unmodifiableMap(new TreeMap<>(voters));
        bootstrapServers = List.copyOf(bootstrapServers);
        if (voters.isEmpty() && bootstrapServers.isEmpty()) {
            throw new IllegalArgumentException("either voters or bootstrap servers are needed");
        }
        if (fetchMaxWaitMs >= fetchTimeoutMs || fetchMaxWaitMs >= requestTimeoutMs) {
            throw new IllegalArgumentException("fetchMaxWaitMs must stay below fetchTimeoutMs and requestTimeoutMs");
        }
        if (fetchMaxEntries < 1 || snapshotIntervalEntries < 1 || snapshotChunkBytes < 1 || electionJitterMs < 1) {
            throw new IllegalArgumentException("sizes and jitter must be positive");
        }
    }

    /** A static quorum's node. */
    public RaftConfig(int nodeId, Map<Integer, String> voters, long electionTimeoutMs, long electionJitterMs,
            long fetchTimeoutMs, long fetchMaxWaitMs, long requestTimeoutMs, long retryBackoffMs, long appendLingerMs,
            int fetchMaxEntries, long snapshotIntervalEntries, int snapshotChunkBytes) {
        this(nodeId, voters, electionTimeoutMs, electionJitterMs, fetchTimeoutMs, fetchMaxWaitMs, requestTimeoutMs,
                retryBackoffMs, appendLingerMs, fetchMaxEntries, snapshotIntervalEntries, snapshotChunkBytes, "",
                List.of());
    }

    /** The same node as a member of a dynamic quorum: no static voters, the given bootstrap servers. */
    public RaftConfig dynamic(String ownDirectoryId, List<String> bootstrap) {
        return new RaftConfig(nodeId, Map.of(), electionTimeoutMs, electionJitterMs, fetchTimeoutMs, fetchMaxWaitMs,
                requestTimeoutMs, retryBackoffMs, appendLingerMs, fetchMaxEntries, snapshotIntervalEntries,
                snapshotChunkBytes, ownDirectoryId, bootstrap);
    }

    /** Whether the voter set comes from the log (KIP-853) rather than from this configuration. */
    public boolean isDynamic() {
        return voters.isEmpty();
    }

    /** KRaft's defaults (election 1 s, fetch timeout 2 s, linger 25 ms). */
    public static RaftConfig defaults(int nodeId, Map<Integer, String> voters) {
        return new RaftConfig(nodeId, voters, 1000, 1000, 2000, 500, 2000, 100, 25, 1000, 20_000, 1 << 20);
    }

}
