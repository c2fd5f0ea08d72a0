package io.sluice.raft;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The voters of the quorum at one point of the log. Immutable. */
public record VoterSet(Map<Integer, Voter> voters) {

    public VoterSet {
        voters = Collections.unmodifiableMap(new TreeMap<>(voters));
    }

    /** A static quorum (controller.quorum.voters): id → host:port, no directory ids. */
    public static VoterSet ofAddresses(Map<Integer, String> addresses) {
        Map<Integer, Voter> voters = new TreeMap<>();
        addresses.forEach((id, address) -> voters.put(id,
                new Voter(id, "", java.util.List.of(new Voter.Endpoint("", address)))));
        return new VoterSet(voters);
    }

    public boolean contains(int id) {
        return voters.containsKey(id);
    }

    public Optional<Voter> voter(int id) {
        return Optional.ofNullable(voters.get(id));
    }

    public Set<Integer> ids() {
        return voters.keySet();
    }

    public int majority() {
        return voters.size() / 2 + 1;
    }

    public VoterSet with(Voter voter) {
        Map<Integer, Voter> next = new TreeMap<>(voters);
        next.put(voter.id(), voter);
        return new VoterSet(next);
    }

    public VoterSet without(int id) {
        Map<Integer, Voter> next = new TreeMap<>(voters);
        next.remove(id);
        return new VoterSet(next);
    }
}
