package io.sluice.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The leader's ISR decisions, as Kafka makes them. Shrink: an in-sync follower that has not caught
 * up with the leader's log end for replica.lag.time.max.ms leaves. Expand: an out-of-sync follower
 * rejoins once its log end reaches the high watermark and the start of the current leader epoch
 * (so it holds everything this leader acknowledged), and only while the metadata deems its broker
 * eligible.
 */
final class IsrPolicy {
    private IsrPolicy() {}

    /**
     * Whether a follower's broker may join an ISR, as the metadata image shows it (Kafka's
     * isReplicaIsrEligible): the controller refuses a fenced broker, or an epoch of an earlier
     * registration, with INELIGIBLE_REPLICA, so proposing one would only be refused again and again.
     */
    @FunctionalInterface
    interface Eligibility {
        boolean eligible(int replica, long brokerEpoch);
    }

    /** The ISR without its lagging followers, or empty when none lags. */
    static Optional<List<Integer>> shrunk(int leader, List<Integer> isr, Map<Integer, FollowerProgress> followers,
                                          long nowMs, long lagTimeMaxMs) {
        List<Integer> kept = new ArrayList<>();
        for (int replica : isr) {
            FollowerProgress progress = followers.get(replica);
            boolean lagging = replica != leader
                    && (progress == null || nowMs - progress.lastCaughtUpTimeMs() > lagTimeMaxMs);
            if (!lagging) {
                kept.add(replica);
            }
        }
        return kept.size() == isr.size() ? Optional.empty() : Optional.of(List.copyOf(kept));
    }

    /** The ISR with every caught-up, eligible follower added, or empty when none qualifies. */
    static Optional<List<Integer>> expanded(List<Integer> isr, Map<Integer, FollowerProgress> followers,
                                            long highWatermark, long leaderEpochStartOffset, Eligibility eligibility) {
        List<Integer> grown = new ArrayList<>(isr);
        followers.forEach((replica, progress) -> {
            long end = progress.logEndOffset();
            if (!isr.contains(replica) && end >= highWatermark && end >= leaderEpochStartOffset
                    && eligibility.eligible(replica, progress.brokerEpoch())) {
                grown.add(replica);
            }
        });
        return grown.size() == isr.size() ? Optional.empty() : Optional.of(List.copyOf(grown));
    }
}
