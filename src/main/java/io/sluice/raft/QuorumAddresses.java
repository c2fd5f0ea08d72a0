package io.sluice.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where this node's peers accept Raft connections, as far as it knows, kept in step with the transport:
 * the voters' endpoints from the voter set, the leaders named (with their endpoint) in fetch answers, and a
 * dynamic quorum's bootstrap servers under stand-in ids until it learns who they are.
 */
final class QuorumAddresses {
    private final int self;
    private final List<String> bootstrapServers;
    private final RaftTransport transport;
    private final Map<Integer, String> leaderHints = new HashMap<>();
    private Map<Integer, String> pushed = Map.of();

    QuorumAddresses(int self, List<String> bootstrapServers, RaftTransport transport) {
        this.self = self;
        this.bootstrapServers = bootstrapServers;
        this.transport = transport;
    }

    /** The stand-in ids of the bootstrap servers: negative, as Kafka numbers them. */
    List<Integer> bootstrapIds() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < bootstrapServers.size(); i++) {
            ids.add(-2 - i);
        }
        return ids;
    }

    /** A fetch answer named this leader and where it listens. */
    void learnLeader(int id, String endpoint, VoterSet voters) {
        // Every fetch answer names the leader: only a new or moved one is news for the transport.
        if (id != self && !endpoint.isEmpty() && !endpoint.equals(leaderHints.put(id, endpoint))) {
            push(voters);
        }
    }

    /** Where {@code id} accepts Raft connections as far as we know, or "". */
    String addressOf(int id, VoterSet voters) {
        return voters.voter(id).map(Voter::raftAddress).orElse(leaderHints.getOrDefault(id, ""));
    }

    /** Tells the transport about every known address, when they changed. */
    void push(VoterSet voters) {
        Map<Integer, String> addresses = new HashMap<>(leaderHints);
        List<Integer> ids = bootstrapIds();
        for (int i = 0; i < ids.size(); i++) {
            addresses.put(ids.get(i), bootstrapServers.get(i));
        }
        voters.voters().values().forEach(v -> addresses.put(v.id(), v.raftAddress()));
        addresses.remove(self);
        if (!addresses.equals(pushed)) {
            pushed = Map.copyOf(addresses);
            transport.updateAddresses(pushed);
        }
    }
}
