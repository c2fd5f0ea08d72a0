package io.sluice.log;

/** Answer to OffsetForLeaderEpoch: the largest known epoch <= the requested one and the offset where it ended. -1/-1 when unknown. */
public record EpochEndOffset(int leaderEpoch, long endOffset) {
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);
}
