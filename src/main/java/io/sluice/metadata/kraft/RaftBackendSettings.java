package io.sluice.metadata.kraft;

import io.sluice.raft.RaftConfig;
import io.sluice.raft.TcpRaftTransport.Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a {@link RaftBackend} needs to run one node of the metadata quorum.
 *
 * @param metadataLogDir the formatted directory holding meta.properties and {@code __cluster_metadata-0/}
 * @param raft the Raft node's configuration (its id, the voters, the timeouts)
 * @param voterAddresses where each voter accepts Raft connections (controller.quorum.voters)
 * @param listenAddress where this node accepts Raft connections; present on controllers (voters), absent on
 *        a broker-only node, which only connects out to the voters as an observer
 * @param expectedClusterId refuse storage formatted for another cluster
 * @param tickMs how often the Raft node's timers are checked
 * @param startupTimeout how long {@link RaftBackend#start} waits to catch up with the quorum
 */
public record RaftBackendSettings(Path metadataLogDir, RaftConfig raft, Map<Integer, Address> voterAddresses,
        Optional<Address> listenAddress, Optional<String> expectedClusterId, long tickMs, Duration startupTimeout) {

    public RaftBackendSettings {
        voterAddresses = Map.copyOf(voterAddresses);
    }

    public int nodeId() {
        return raft.nodeId();
    }

    /**
     * A Raft configuration with the given timings. A quorum of one elects itself at once: with nobody to
     * split the vote with, waiting out an election timeout would only delay every single-node start.
     */
    public static RaftConfig raftConfig(int nodeId, Map<Integer, Address> voters, long electionTimeoutMs,
            long fetchTimeoutMs, long appendLingerMs, long snapshotIntervalEntries) {
        return raftConfig(nodeId, voters, "", List.of(), electionTimeoutMs, fetchTimeoutMs, appendLingerMs,
                snapshotIntervalEntries);
    }

    /**
     * As above, for a static quorum ({@code voters}) or a dynamic one (no voters; the bootstrap servers, and
     * this node's metadata directory id to be named by in voter changes).
     */
    public static RaftConfig raftConfig(int nodeId, Map<Integer, Address> voters, String directoryId,
            List<String> bootstrapServers, long electionTimeoutMs, long fetchTimeoutMs, long appendLingerMs,
            long snapshotIntervalEntries) {
        Map<Integer, String> byId = new TreeMap<>();
        voters.forEach((id, a) -> byId.put(id, a.host() + ":" + a.port()));
        boolean alone = voters.size() == 1 && voters.containsKey(nodeId);
        long election = alone ? 1 : electionTimeoutMs;
        long fetchMaxWait = Math.max(1, Math.min(500, fetchTimeoutMs / 4));
        return new RaftConfig(nodeId, byId, election, election, fetchTimeoutMs, fetchMaxWait, fetchTimeoutMs, 50,
                appendLingerMs, 1000, snapshotIntervalEntries, 1 << 20, directoryId, bootstrapServers);
    }
}
