package io.sluice.raft;

/** Where a node stands in the current epoch. */
public enum Role {
    /** Knows of no live leader in its epoch; a voter waits for its election timer. */
    UNATTACHED,
    /** Fetches from a known leader (voters and observers alike). */
    FOLLOWER,
    /** Asks for non-binding pre-votes before disturbing anyone with a new epoch (KIP-996). */
    PROSPECTIVE,
    /** Has bumped the epoch, voted for itself and asks for votes. */
    CANDIDATE,
    LEADER
}
