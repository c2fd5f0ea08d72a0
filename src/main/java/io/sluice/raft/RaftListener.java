package io.sluice.raft;

/**
 * The application above Raft. Called on the node's thread, in log order, only with committed data.
 */
public interface RaftListener {

    /** A committed application record at {@code offset}. Offsets increase; control entries are skipped. */
    void onCommit(long offset, byte[] record);

    /** Replace all state with a snapshot covering every offset below {@code endOffset}. */
    void onLoadSnapshot(long endOffset, byte[] state);

    /** The state after everything delivered so far, as opaque bytes Raft stores and ships. */
    byte[] takeSnapshot();
}
