package io.sluice.raft;

/**
 * Delivers messages between nodes, best effort: a message may be lost, delayed, reordered or
 * duplicated and the algorithm copes. Delivery back into a node is {@link RaftNode#handle}.
 * Implemented by the simulator's in-memory network and by {@link TcpRaftTransport}, whose inbound
 * messages reach {@code handle} on the node's own thread through {@link RaftDriver}.
 */
public interface RaftTransport {
    void send(int to, RaftMessage message);
}
