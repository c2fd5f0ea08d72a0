package io.sluice.raft;

import java.util.List;

/**
 * The leader's view of the quorum at one moment. Times are on the Raft node's monotonic clock, as
 * is {@code now}, so a reader converts them to wall time by their distance from it.
 */
public record QuorumStatus(int leaderId, int epoch, long highWatermark, long now, List<ReplicaProgress> voters,
                           List<ReplicaProgress> observers, VoterSet voterSet) {

    /**
     * @param directoryId the directory id the replica fetches with ("" if none)
     * @param lastCaughtUpAt when the replica last fetched from the leader's log end, or -1 if never
     */
    public record ReplicaProgress(int id, String directoryId, long logEndOffset, long lastFetchAt,
                                  long lastCaughtUpAt) {
    }
}
