package io.sluice.cli;

import java.io.PrintWriter;
import java.util.function.LongFunction;

/**
 * Progress lines on stderr for long runs: every {@code every} items, and at most once a second in
 * between so a slow stream still shows it is alive. Short runs (under both) print nothing.
 */
final class Progress {
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final long every;
    private final LongFunction<String> line;
    /** Set on the first item: client start-up time before it is not progress. */
    private long lastPrintNanos = -1;

    Progress(PrintWriter err, long every, LongFunction<String> line) {
        this.err = err;
        this.every = every;
        this.line = line;
    }

    /** Call after each item with the running total. */
    void update(long done) {
        long now = System.nanoTime();
        if (lastPrintNanos < 0) {
            lastPrintNanos = now;
        }
        if ((every > 0 && done % every == 0) || now - lastPrintNanos >= INTERVAL_NANOS) {
            err.println(line.apply(done));
            err.flush();
            lastPrintNanos = now;
        }
    }
}
