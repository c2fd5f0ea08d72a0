package io.sluice.metadata;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AddRaftVoterRequestData;
import org.apache.kafka.common.message.AddRaftVoterResponseData;
import org.apache.kafka.common.message.RemoveRaftVoterRequestData;
import org.apache.kafka.common.message.RemoveRaftVoterResponseData;
import org.apache.kafka.common.message.UpdateRaftVoterRequestData;
import org.apache.kafka.common.message.UpdateRaftVoterResponseData;

/**
 * AddRaftVoter, RemoveRaftVoter and UpdateRaftVoter (KIP-853) as the active controller answers them, whichever listener they
 * arrived on: checked, then handed to the backend's quorum. Answered once the new voter set is committed
 * (also for AddRaftVoter v1's ack_when_committed=false, which only allows answering sooner).
 */
public final class RaftVoterRequests {
    /**
     * Most a change may wait for its voter to catch up or the previous change to commit: below the 30 s a
     * forwarded request waits for its answer, so the caller hears why rather than a timeout of the forwarding.
     */
    private static final long MAX_WAIT_MS = 25_000;

    private RaftVoterRequests() {
    }

    public static CompletableFuture<AddRaftVoterResponseData> add(MetadataBackend backend,
            AddRaftVoterRequestData request) {
        CompletableFuture<Void> refused = check(backend, request.clusterId(), request.voterDirectoryId());
        if (refused == null && request.listeners().isEmpty()) {
            refused = CompletableFuture.failedFuture(new InvalidRequestException("The new voter names no listener"));
        }
        if (refused != null) {
            return refused.thenApply(v -> new AddRaftVoterResponseData());
        }
        List<BrokerEndpoint> endpoints = request.listeners().stream()
                .map(l -> new BrokerEndpoint(l.name(), l.host(), l.port(), "PLAINTEXT")).toList();
        QuorumVoter voter = new QuorumVoter(request.voterId(), request.voterDirectoryId().toString(), endpoints);
        long wait = request.timeoutMs() <= 0 ? MAX_WAIT_MS : Math.min(request.timeoutMs(), MAX_WAIT_MS);
        return backend.addVoter(voter, wait).thenApply(v -> new AddRaftVoterResponseData());
    }

    public static CompletableFuture<UpdateRaftVoterResponseData> update(MetadataBackend backend,
            UpdateRaftVoterRequestData request) {
        CompletableFuture<Void> refused = check(backend, request.clusterId(), request.voterDirectoryId());
        if (refused == null && request.listeners().isEmpty()) {
            refused = CompletableFuture.failedFuture(new InvalidRequestException("The voter names no listener"));
        }
        if (refused != null) {
            return refused.thenApply(v -> new UpdateRaftVoterResponseData());
        }
        List<BrokerEndpoint> endpoints = request.listeners().stream()
                .map(l -> new BrokerEndpoint(l.name(), l.host(), l.port(), "PLAINTEXT")).toList();
        QuorumVoter voter = new QuorumVoter(request.voterId(), request.voterDirectoryId().toString(), endpoints);
        return backend.updateVoter(voter, MAX_WAIT_MS).thenApply(v -> new UpdateRaftVoterResponseData());
    }

    public static CompletableFuture<RemoveRaftVoterResponseData> remove(MetadataBackend backend,
            RemoveRaftVoterRequestData request) {
        CompletableFuture<Void> refused = check(backend, request.clusterId(), request.voterDirectoryId());
        if (refused != null) {
            return refused.thenApply(v -> new RemoveRaftVoterResponseData());
        }
        return backend.removeVoter(request.voterId(), request.voterDirectoryId().toString(), MAX_WAIT_MS)
                .thenApply(v -> new RemoveRaftVoterResponseData());
    }

    /** A failed future when the request is for another cluster or names no directory id, else null. */
    private static CompletableFuture<Void> check(MetadataBackend backend, String clusterId, Uuid directoryId) {
        String ours = backend.image().clusterId();
        if (clusterId != null && ours != null && !clusterId.equals(ours)) {
            return CompletableFuture.failedFuture(new InconsistentClusterIdException("The request is for cluster "
                    + clusterId + ", this is cluster " + ours));
        }
        if (directoryId == null || directoryId.equals(Uuid.ZERO_UUID)) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                    "A voter is named by its id and its directory id; the directory id is missing"));
        }
        return null;
    }
}
