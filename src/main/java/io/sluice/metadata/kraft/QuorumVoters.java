package io.sluice.metadata.kraft;

import io.sluice.raft.TcpRaftTransport.Address;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Parses {@code controller.quorum.voters}: comma-separated {@code id@host:port} entries. */
public final class QuorumVoters {
    private QuorumVoters() {
    }

    public static Map<Integer, Address> parse(List<String> entries) {
        Map<Integer, Address> voters = new TreeMap<>();
        for (String entry : entries) {
            String e = entry.trim();
            int at = e.indexOf('@');
            if (at <= 0) {
                throw new IllegalArgumentException("controller.quorum.voters entry '" + e + "' is not id@host:port");
            }
            int id = Integer.parseInt(e.substring(0, at));
            if (voters.put(id, Address.parse(e.substring(at + 1))) != null) {
                throw new IllegalArgumentException("controller.quorum.voters names node " + id + " twice");
            }
        }
        return voters;
    }
}
