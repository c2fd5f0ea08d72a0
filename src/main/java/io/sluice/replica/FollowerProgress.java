package io.sluice.replica;

/**
 * What the leader knows of one follower from its fetches: its log end offset (the fetch offset it
 * last asked for) and the last time it had caught up with the leader's log end. Written by the
 * request handler serving that follower's fetch, read by the high-watermark and ISR checks.
 */
final class FollowerProgress {
    private volatile long logEndOffset = -1;
    private volatile long lastCaughtUpTimeMs;
    private volatile long brokerEpoch = -1;
    private long previousFetchLeaderEndOffset = -1;
    private long previousFetchTimeMs;

    FollowerProgress(long lastCaughtUpTimeMs) {
        this.lastCaughtUpTimeMs = lastCaughtUpTimeMs;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }

    /** The broker epoch the follower sent with its last fetch (KIP-903), or -1. */
    long brokerEpoch() {
        return brokerEpoch;
    }

    void brokerEpoch(long epoch) {
        brokerEpoch = epoch;
    }

    /**
     * A fetch from fetchOffset arrived when the leader's log ended at leaderEndOffset. The follower
     * caught up at this fetch if it asked for the log end, or at the previous fetch if it asks for
     * at least what the log end was then (Kafka's rule, so a steady stream of appends does not make
     * a keeping-up follower look lagging).
     */
    synchronized void fetched(long fetchOffset, long leaderEndOffset, long nowMs) {
        if (fetchOffset >= leaderEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        } else if (fetchOffset >= previousFetchLeaderEndOffset && previousFetchLeaderEndOffset >= 0) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, previousFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        previousFetchLeaderEndOffset = leaderEndOffset;
        previousFetchTimeMs = nowMs;
    }
}
