package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThrottleBucketTest {
    @Test
    void unlimitedUntilARateIsSetThenEmptyAndOverdrawnUntilRepaid() {
        ThrottleBucket bucket = new ThrottleBucket();
        assertEquals(1_000_000, bucket.allowance(1_000_000));
        bucket.record(5_000_000);
        assertEquals(0, bucket.millisUntilAllowed());

        // A rate this low refills under one byte in the few microseconds the test takes.
        bucket.rate(1);
        assertEquals(0, bucket.allowance(1_000_000), "a new throttle starts empty");
        assertTrue(bucket.millisUntilAllowed() > 0);

        bucket.rate(Long.MAX_VALUE);
        assertEquals(100, bucket.allowance(100));
    }

    @Test
    void anOverdraftIsRepaidBeforeAnythingIsAllowedAgain() {
        ThrottleBucket bucket = new ThrottleBucket();
        bucket.rate(1000);
        bucket.record(10_000);  // one large batch read on a small allowance
        assertEquals(0, bucket.allowance(1000));
        long wait = bucket.millisUntilAllowed();
        assertTrue(wait > 8_000 && wait <= 10_001, "about 10 s to repay 10,000 bytes at 1,000 B/s: " + wait);
    }
}
