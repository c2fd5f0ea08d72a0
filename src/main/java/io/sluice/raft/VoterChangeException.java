package io.sluice.raft;

/** Why the leader refused or abandoned a voter change (KIP-853 AddRaftVoter / RemoveRaftVoter). */
public final class VoterChangeException extends RuntimeException {

    public enum Reason {
        /** This node does not lead: ask the leader. */
        NOT_LEADER,
        /** The voters are fixed by configuration (a static quorum). */
        STATIC_QUORUM,
        /** Another change is not committed yet, or the leader has not committed in its epoch yet: retry later. */
        CHANGE_IN_PROGRESS,
        /** The replica to add is not fetching from the leader or is behind. */
        NOT_CAUGHT_UP,
        DUPLICATE_VOTER,
        VOTER_NOT_FOUND,
        /** Removing the last voter would leave no quorum. */
        LAST_VOTER
    }

    private final Reason reason;

    public VoterChangeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
