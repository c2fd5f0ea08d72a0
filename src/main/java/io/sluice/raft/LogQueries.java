package io.sluice.raft;

/** Questions about a {@link RaftLog} that only need its entries, shared by every implementation. */
public final class LogQueries {

    private LogQueries() {
    }

    /** Epoch of the entry at {@code offset}, or the start epoch for the offset just below the log. */
    public static int epochAt(RaftLog log, long offset) {
        return offset == log.startOffset() - 1 ? log.startEpoch() : log.entry(offset).epoch();
    }

    public static int lastEpoch(RaftLog log) {
        return epochAt(log, log.endOffset() - 1);
    }

    /**
     * The largest epoch not above {@code epoch} that this log holds, with the offset where it ends
     * (the first offset of a later epoch, or the log end); null when {@code epoch} is older than
     * anything the log still holds. Epochs never decrease along the log, so a binary search works.
     */
    public static OffsetAndEpoch endOffsetForEpoch(RaftLog log, int epoch) {
        if (epoch < log.startEpoch()) {
            return null;
        }
        long lo = log.startOffset();
        long hi = log.endOffset();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (log.entry(mid).epoch() > epoch) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return new OffsetAndEpoch(lo, epochAt(log, lo - 1));
    }

    /** How a leader answers a fetch at (fetchOffset, lastFetchedEpoch). */
    public sealed interface FetchCheck {
        /** The follower's log matches ours up to its fetch offset. */
        record Valid() implements FetchCheck {
        }

        /** The follower must truncate; {@code hint} is where our logs may last agree. */
        record Diverging(OffsetAndEpoch hint) implements FetchCheck {
        }

        /** We no longer hold what the follower needs next: it must load our snapshot. */
        record NeedsSnapshot() implements FetchCheck {
        }
    }

    public static FetchCheck checkFetch(RaftLog log, long fetchOffset, int lastFetchedEpoch) {
        if (fetchOffset < log.startOffset()) {
            return new FetchCheck.NeedsSnapshot();
        }
        OffsetAndEpoch end = endOffsetForEpoch(log, lastFetchedEpoch);
        if (end == null) {
            return new FetchCheck.NeedsSnapshot();
        }
        if (end.epoch() != lastFetchedEpoch || end.offset() < fetchOffset) {
            return new FetchCheck.Diverging(end);
        }
        return new FetchCheck.Valid();
    }

    /**
     * Where a follower truncates after a diverging hint: no further than the leader's end for that
     * epoch and no further than our own end for it, never below our start (a snapshot only covers
     * committed entries, which the leader shares).
     */
    public static long truncationOffset(RaftLog log, OffsetAndEpoch hint) {
        OffsetAndEpoch own = endOffsetForEpoch(log, hint.epoch());
        long target = own == null ? log.startOffset() : Math.min(hint.offset(), own.offset());
        return Math.max(target, log.startOffset());
    }
}
