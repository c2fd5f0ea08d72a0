package io.sluice.metadata.kraft;

import io.sluice.raft.FileRaftLog;
import io.sluice.raft.LogEntry;
import io.sluice.raft.TcpRaftTransport.Address;
import io.sluice.raft.Voter;
import io.sluice.raft.VoterSet;
import io.sluice.raft.VoterSetCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The initial voters of a dynamic quorum (KIP-853), as {@code storage format --standalone} or
 * {@code --initial-controllers} name them. They are written durably as the first entry of the metadata
 * log (a voter-set control entry at offset 0, epoch 0), so every initial voter starts from the same log
 * and any later controller learns them by replicating it; from then on the log, not the configuration,
 * says who votes.
 */
public final class QuorumBootstrap {
    private QuorumBootstrap() {
    }

    /** Writes the initial voter set into the metadata directory's Raft log, which must be empty. */
    public static void write(Path metadataDir, VoterSet voters) {
        Path raftDir = metadataDir.resolve(RaftBackend.LOG_DIR_NAME);
        try {
            Files.createDirectories(raftDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + raftDir, e);
        }
        try (FileRaftLog log = new FileRaftLog(raftDir)) {
            if (log.endOffset() != 0) {
                throw new IllegalStateException(raftDir + " already holds a metadata log; refusing to bootstrap it");
            }
            log.append(new LogEntry(0, 0, true, VoterSetCodec.encode(voters)));
            log.flush();
        }
    }

    /**
     * Parses {@code --initial-controllers}: comma-separated {@code id@host:port:directory-id} (the directory
     * id as {@code sluice storage random-uuid} prints it), each reached on {@code listenerName}.
     */
    public static VoterSet parseInitialControllers(String value, String listenerName) {
        Map<Integer, Voter> voters = new TreeMap<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            int at = entry.indexOf('@');
            int lastColon = entry.lastIndexOf(':');
            if (at <= 0 || lastColon <= at) {
                throw new IllegalArgumentException("'" + entry + "' is not id@host:port:directory-id");
            }
            int id;
            try {
                id = Integer.parseInt(entry.substring(0, at));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + entry + "' does not start with a numeric node id");
            }
            String directoryId = entry.substring(lastColon + 1);
            Uuid parsed = Uuid.fromString(directoryId); // refuses what is not a Uuid
            if (parsed.equals(Uuid.ZERO_UUID)) {
                throw new IllegalArgumentException("'" + entry + "' has the reserved directory id " + directoryId);
            }
            Address address = Address.parse(entry.substring(at + 1, lastColon));
            if (voters.put(id, voter(id, directoryId, listenerName, address.host(), address.port())) != null) {
                throw new IllegalArgumentException("node " + id + " is named twice");
            }
        }
        return new VoterSet(voters);
    }

    public static Voter voter(int id, String directoryId, String listenerName, String host, int port) {
        return new Voter(id, directoryId, List.of(new Voter.Endpoint(listenerName, address(host, port))));
    }

    /** host:port as a Raft endpoint writes it, an IPv6 host in brackets. */
    static String address(String host, int port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
