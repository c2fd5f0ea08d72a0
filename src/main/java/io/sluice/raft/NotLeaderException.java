package io.sluice.raft;

/**
 * An append failed because this node is not (or stopped being) the leader. Records appended before
 * leadership was lost may still be committed by a later leader: the outcome is unknown then.
 */
public final class NotLeaderException extends RuntimeException {
    private final int leaderId;
    private final int epoch;

    public NotLeaderException(int leaderId, int epoch) {
        super("not the leader; leader " + leaderId + " in epoch " + epoch);
        this.leaderId = leaderId;
        this.epoch = epoch;
    }

    /** The leader this node knows of, or -1. */
    public int leaderId() {
        return leaderId;
    }

    public int epoch() {
        return epoch;
    }
}
