package io.sluice.replica;

/**
 * A token bucket of bytes per second for replication throttles: it refills at the rate up to one
 * second's worth, a read takes what it was allowed (and may overdraw by one batch, so a batch larger than
 * the allowance still moves), and nothing is allowed again until the debt is repaid. Over any stretch
 * the bytes moved stay within one second's worth plus one batch of the rate. Thread-safe; never blocks.
 */
final class ThrottleBucket {
    private long rate = Long.MAX_VALUE;
    private double tokens;
    private long lastNanos = System.nanoTime();

    /** A rate of Long.MAX_VALUE (Kafka's default) means no throttle. */
    synchronized void rate(long bytesPerSecond) {
        if (bytesPerSecond != rate) {
            refill();
            // A throttle that starts anew starts empty; a changed one keeps its balance, capped at the new burst.
            tokens = rate == Long.MAX_VALUE ? 0 : Math.min(tokens, bytesPerSecond);
            rate = bytesPerSecond;
        }
    }

    /** How many of the wanted bytes may be read now: 0 while the bucket is empty or overdrawn. */
    synchronized int allowance(int wanted) {
        if (rate == Long.MAX_VALUE) {
            return wanted;
        }
        refill();
        return tokens < 1 ? 0 : (int) Math.min(wanted, tokens);
    }

    /** Takes the bytes actually read. */
    synchronized void record(long bytes) {
        if (rate != Long.MAX_VALUE) {
            refill();
            tokens -= bytes;
        }
    }

    /** How long until some bytes are allowed again (0 if they are now). */
    synchronized long millisUntilAllowed() {
        if (rate == Long.MAX_VALUE) {
            return 0;
        }
        refill();
        if (tokens >= 1) {
            return 0;
        }
        // A rate of 0 never refills: look again in a second, when the rate may have changed.
        return rate == 0 ? 1000 : (long) Math.ceil((1 - tokens) * 1000.0 / rate);
    }

    private void refill() {
        long now = System.nanoTime();
        if (rate != Long.MAX_VALUE) {
            tokens = Math.min(rate, tokens + (now - lastNanos) / 1e9 * rate);
        }
        lastNanos = now;
    }
}
