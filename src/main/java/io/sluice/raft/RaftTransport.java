package io.sluice.raft;

/**
 * Delivers messages between nodes, best effort: a message may be lost, delayed, reordered or
 * duplicated and the algorithm copes. Delivery back into a node is {@link RaftNode#handle}.
 * Only the simulator's in-memory network implements this today; a TCP transport (Vert.x) will
 * encode the messages and must call {@code handle} on the node's own thread.
 */
public interface RaftTransport {
    void send(int to, RaftMessage message);
}
