package io.sluice.raft;

import java.util.List;

/**
 * One member of the voter set.
 *
 * @param directoryId the voter's metadata directory id (KIP-853), opaque here; "" in a static quorum,
 *        whose voters are named by id alone
 * @param endpoints where the voter listens, by listener name; Raft connects to the first one
 */
public record Voter(int id, String directoryId, List<Endpoint> endpoints) {

    /** @param address host:port */
    public record Endpoint(String listener, String address) {
    }

    public Voter {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("voter " + id + " needs an endpoint");
        }
    }

    /** Where Raft reaches this voter. */
    public String raftAddress() {
        return endpoints.get(0).address();
    }
}
