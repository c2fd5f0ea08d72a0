package io.sluice.raft;

/** Durable home of the {@link QuorumState}: {@link #write} returns only once the state is durable. */
public interface QuorumStateStore {

    /** The last written state, or {@link QuorumState#INITIAL} for a fresh node. */
    QuorumState read();

    void write(QuorumState state);
}
