package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataBackend;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InconsistentClusterIdException;
import org.apache.kafka.common.errors.InvalidRequestException;

/** What AddRaftVoter and RemoveRaftVoter check alike before the quorum is asked. */
final class RaftVoterRequests {
    /** Most a voter change may wait for its voter to catch up, whatever the request asks. */
    private static final long MAX_TIMEOUT_MS = 120_000;

    private RaftVoterRequests() {
    }

    /** A failed future when the request is for another cluster or names no directory id, else null. */
    static CompletableFuture<Void> check(MetadataBackend backend, String clusterId, Uuid directoryId) {
        String ours = backend.image().clusterId();
        if (clusterId != null && ours != null && !clusterId.equals(ours)) {
            return CompletableFuture.failedFuture(new InconsistentClusterIdException("The request is for cluster "
                    + clusterId + ", this is cluster " + ours));
        }
        if (directoryId == null || directoryId.equals(Uuid.ZERO_UUID)) {
            return invalid("A voter is named by its id and its directory id; the directory id is missing");
        }
        return null;
    }

    static <T> CompletableFuture<T> invalid(String message) {
        return CompletableFuture.failedFuture(new InvalidRequestException(message));
    }

    static long timeoutMs(int requested) {
        return requested <= 0 ? 30_000 : Math.min(requested, MAX_TIMEOUT_MS);
    }
}
