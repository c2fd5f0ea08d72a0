package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The leader's ISR decisions from follower progress (the sending is covered with a real cluster). */
class IsrPolicyTest {
    private static final long LAG_MS = 30_000;
    private static final IsrPolicy.Eligibility ANY_BROKER = (replica, brokerEpoch) -> true;

    @Test
    void aFollowerThatKeepsFetchingTheLogEndStaysInSync() {
        FollowerProgress f2 = new FollowerProgress(0);
        FollowerProgress f3 = new FollowerProgress(0);
        f2.fetched(100, 100, 40_000);
        f3.fetched(100, 100, 40_000);
        assertEquals(Optional.empty(), IsrPolicy.shrunk(1, List.of(1, 2, 3), Map.of(2, f2, 3, f3), 60_000, LAG_MS));
    }

    @Test
    void aFollowerNotCaughtUpForTheLagTimeLeavesTheIsr() {
        FollowerProgress f2 = new FollowerProgress(0);
        FollowerProgress f3 = new FollowerProgress(0);
        f2.fetched(100, 100, 40_000);
        f3.fetched(50, 100, 40_000); // behind since its last catch-up at time 0
        assertEquals(Optional.of(List.of(1, 2)), IsrPolicy.shrunk(1, List.of(1, 2, 3), Map.of(2, f2, 3, f3), 40_001, LAG_MS));
        assertEquals(Optional.empty(), IsrPolicy.shrunk(1, List.of(1, 2, 3), Map.of(2, f2, 3, f3), 29_999, LAG_MS));
    }

    @Test
    void aFollowerFetchingWhatTheLogEndWasAtItsPreviousFetchCountsAsCaughtUpThen() {
        FollowerProgress f2 = new FollowerProgress(0);
        f2.fetched(100, 120, 10_000); // behind the end of 120...
        f2.fetched(120, 150, 35_000); // ...but now asks for 120: it was caught up at 10 000
        assertEquals(10_000, f2.lastCaughtUpTimeMs());
        assertEquals(Optional.of(List.of(1)), IsrPolicy.shrunk(1, List.of(1, 2), Map.of(2, f2), 40_001, LAG_MS));
        assertEquals(Optional.empty(), IsrPolicy.shrunk(1, List.of(1, 2), Map.of(2, f2), 39_999, LAG_MS));
    }

    @Test
    void aFollowerRejoinsOnceItReachesTheHighWatermarkAndTheLeaderEpochStart() {
        FollowerProgress f3 = new FollowerProgress(0);
        f3.fetched(90, 120, 1_000);
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80, ANY_BROKER));
        f3.fetched(100, 120, 1_100);
        assertEquals(Optional.of(List.of(1, 2, 3)), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80, ANY_BROKER));
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 110, ANY_BROKER),
                "not before it holds the start of the current leader epoch");
    }

    @Test
    void aFollowerThatNeverFetchedIsOutOfSyncAfterTheLagTime() {
        assertEquals(Optional.of(List.of(1)), IsrPolicy.shrunk(1, List.of(1, 2), Map.of(2, new FollowerProgress(5_000)),
                35_001, LAG_MS));
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1), Map.of(2, new FollowerProgress(5_000)), 0, 0, ANY_BROKER),
                "an unknown log end (-1) never qualifies");
    }

    @Test
    void aCaughtUpFollowerRejoinsOnlyWhileItsBrokerIsEligible() {
        FollowerProgress f3 = new FollowerProgress(0);
        f3.brokerEpoch(42);
        f3.fetched(100, 100, 1_000);
        IsrPolicy.Eligibility fenced = (replica, epoch) -> replica != 3;
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80, fenced),
                "a fenced broker (restarted, not yet unfenced) is not proposed: the controller would refuse it");
        IsrPolicy.Eligibility registeredAt42 = (replica, epoch) -> epoch == 42;
        assertEquals(Optional.of(List.of(1, 2, 3)), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80, registeredAt42));
        f3.brokerEpoch(7);
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80, registeredAt42),
                "fetches carrying an earlier registration's epoch");
    }
}
