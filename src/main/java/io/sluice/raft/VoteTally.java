package io.sluice.raft;

import java.util.HashSet;
import java.util.Set;

/** Grants collected in one pre-vote or vote round; a set, so duplicated responses count once. */
final class VoteTally {
    private final int majority;
    private final Set<Integer> granted = new HashSet<>();

    VoteTally(int self, int majority) {
        this.majority = majority;
        granted.add(self);
    }

    void grant(int voter) {
        granted.add(voter);
    }

    boolean won() {
        return granted.size() >= majority;
    }
}
