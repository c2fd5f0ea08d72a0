package io.sluice.raft;

/**
 * A position in the replicated log named together with the epoch of the entry just before it.
 * Used for snapshot ids (end offset, epoch of the last covered entry) and for the diverging-epoch
 * hint a leader gives a follower (end offset of the largest epoch both may share).
 */
public record OffsetAndEpoch(long offset, int epoch) implements Comparable<OffsetAndEpoch> {
    @Override
    public int compareTo(OffsetAndEpoch o) {
        int byEpoch = Integer.compare(epoch, o.epoch);
        return byEpoch != 0 ? byEpoch : Long.compare(offset, o.offset);
    }
}
