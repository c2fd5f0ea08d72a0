package io.sluice.raft;

/**
 * Delivers messages between nodes, best effort: a message may be lost, delayed, reordered or
 * duplicated and the algorithm copes. Delivery back into a node is {@link RaftNode#handle}.
 * Implemented by the simulator's in-memory network and by {@link TcpRaftTransport}, whose inbound
 * messages reach {@code handle} on the node's own thread through {@link RaftDriver}.
 */
public interface RaftTransport {
    void send(int to, RaftMessage message);

    /**
     * Where nodes are now: the voters of a dynamic quorum change as the log says, and a leader an observer
     * has only heard of comes with its address. Ids missing here keep what the transport knew. Transports
     * that route by id alone (the simulator's) ignore it.
     */
    default void updateAddresses(java.util.Map<Integer, String> addresses) {
    }
}
