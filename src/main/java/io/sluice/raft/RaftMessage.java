package io.sluice.raft;

import java.util.List;

/**
 * Every message between nodes. Each carries the sender and the sender's current epoch, so a
 * receiver learns of newer epochs from any message. Responses carry the leader the sender knows to
 * be live in that epoch (-1 if none), which is how nodes find the leader without a directory.
 */
public sealed interface RaftMessage {

    int from();

    int epoch();

    /** Would you vote for me in epoch+1? Binding for nobody: nobody changes state on it. */
    record PreVoteRequest(int from, int epoch, int lastEpoch, long endOffset) implements RaftMessage {
    }

    record PreVoteResponse(int from, int epoch, int leaderId, boolean granted) implements RaftMessage {
    }

    /** Sent in the candidate's (new) epoch. */
    record VoteRequest(int from, int epoch, int lastEpoch, long endOffset) implements RaftMessage {
    }

    record VoteResponse(int from, int epoch, int leaderId, boolean granted) implements RaftMessage {
    }

    /** A new leader tells the voters, so they start fetching without waiting for a timeout. */
    record BeginEpoch(int from, int epoch) implements RaftMessage {
    }

    /**
     * Sent only by a voter already in a later epoch (say, a candidate whose vote requests were lost):
     * the stale leader steps down so that an election in a later epoch can bring that voter back.
     */
    record BeginEpochResponse(int from, int epoch, int leaderId) implements RaftMessage {
    }

    /**
     * Pull replication. {@code fetchOffset} is the fetcher's (flushed) log end and doubles as its
     * acknowledgement; {@code highWatermark} is what the fetcher already knows, so the leader can
     * hold the request until there is something new to say.
     */
    record FetchRequest(int from, int epoch, long requestId, long fetchOffset, int lastFetchedEpoch,
            long highWatermark, String directoryId) implements RaftMessage {
        public FetchRequest(int from, int epoch, long requestId, long fetchOffset, int lastFetchedEpoch,
                long highWatermark) {
            this(from, epoch, requestId, fetchOffset, lastFetchedEpoch, highWatermark, "");
        }
    }

    /**
     * Exactly one of entries (possibly empty), {@code diverging} or {@code snapshotId} applies when error is NONE.
     * {@code leaderEndpoint} is where the named leader accepts Raft connections ("" if unknown).
     */
    record FetchResponse(int from, int epoch, int leaderId, long requestId, Error error, List<LogEntry> entries,
            long highWatermark, OffsetAndEpoch diverging, OffsetAndEpoch snapshotId, String leaderEndpoint)
            implements RaftMessage {
        public FetchResponse(int from, int epoch, int leaderId, long requestId, Error error, List<LogEntry> entries,
                long highWatermark, OffsetAndEpoch diverging, OffsetAndEpoch snapshotId) {
            this(from, epoch, leaderId, requestId, error, entries, highWatermark, diverging, snapshotId, "");
        }
    }

    record FetchSnapshotRequest(int from, int epoch, long requestId, OffsetAndEpoch snapshotId, long position)
            implements RaftMessage {
    }

    record FetchSnapshotResponse(int from, int epoch, int leaderId, long requestId, Error error,
            OffsetAndEpoch snapshotId, long totalSize, long position, byte[] chunk) implements RaftMessage {
    }

    enum Error {
        NONE,
        /** The receiver is not the leader of the requested epoch. */
        NOT_LEADER,
        /** The request's epoch is older than the leader's. */
        FENCED_EPOCH,
        /** The leader has moved on to a newer snapshot; start over with a fetch. */
        SNAPSHOT_NOT_FOUND
    }
}
