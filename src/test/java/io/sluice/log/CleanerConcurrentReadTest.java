package io.sluice.log;

import static io.sluice.log.CompactionSupport.assertValidCompactionOf;
import static io.sluice.log.CompactionSupport.overwrite;
import static io.sluice.log.CompactionSupport.readAll;
import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.log.CompactionSupport.KV;

/** Fetches running while the log is appended to and cleaned see only whole, valid batches of original records. */
class CleanerConcurrentReadTest {
    @TempDir
    Path tmp;

    @Test
    void readersDuringCleaningSeeOnlyValidBatches() throws Exception {
        LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000_000L);
        LogConfig cfg = config(Map.of("cleanup.policy", "compact", "segment.bytes", 2048, "min.cleanable.dirty.ratio", 0.01));
        Path logDir = tmp.resolve("logs");
        try (PartitionLog log = PartitionLog.open(logDir.resolve("t-0"), TP, cfg, true, clock)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger passes = new AtomicInteger();
            Thread reader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        long prev = -1;
                        for (KV kv : readAll(log)) {
                            if (kv.offset() <= prev) throw new AssertionError("offset " + kv.offset() + " after " + prev);
                            if (!kv.value().endsWith("-" + kv.key())) throw new AssertionError("foreign value " + kv);
                            prev = kv.offset();
                        }
                        passes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "reader");
            reader.start();
            LogCleaner cleaner = CompactionSupport.cleaner(logDir, log, clock);
            List<KV> written = new ArrayList<>();
            int cleanings = 0;
            for (int i = 0; i < 60 && failure.get() == null; i++) {
                written.addAll(overwrite(log, Compression.NONE, 5, 16, clock.millis()));
                if (cleaner.cleanOnce(clock.millis()).isPresent()) cleanings++;
            }
            // Let the reader finish at least a few passes over the final state too.
            int target = passes.get() + 3;
            while (passes.get() < target && failure.get() == null && reader.isAlive()) Thread.onSpinWait();
            done.set(true);
            reader.join();
            assertNull(failure.get(), () -> "reader failed: " + failure.get());
            assertTrue(cleanings > 10, "cleanings: " + cleanings);
            assertTrue(passes.get() > 3);
            assertValidCompactionOf(written, readAll(log));
            assertEquals(written.size(), log.logEndOffset());
        }
    }
}
