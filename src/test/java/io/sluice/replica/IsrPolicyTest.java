package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The leader's ISR decisions from follower progress (the sending is covered with a real cluster). */
class IsrPolicyTest {
    private static final long LAG_MS = 30_000;

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
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80));
        f3.fetched(100, 120, 1_100);
        assertEquals(Optional.of(List.of(1, 2, 3)), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 80));
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1, 2), Map.of(3, f3), 100, 110),
                "not before it holds the start of the current leader epoch");
    }

    @Test
    void aFollowerThatNeverFetchedIsOutOfSyncAfterTheLagTime() {
        assertEquals(Optional.of(List.of(1)), IsrPolicy.shrunk(1, List.of(1, 2), Map.of(2, new FollowerProgress(5_000)),
                35_001, LAG_MS));
        assertEquals(Optional.empty(), IsrPolicy.expanded(List.of(1), Map.of(2, new FollowerProgress(5_000)), 0, 0),
                "an unknown log end (-1) never qualifies");
    }
}
