package io.sluice.raft;

/** What a node must remember across restarts to never vote twice in an epoch. -1 means none. */
public record QuorumState(int epoch, int votedFor, int leaderId) {
    public static final int NONE = -1;
    public static final QuorumState INITIAL = new QuorumState(0, NONE, NONE);
}
