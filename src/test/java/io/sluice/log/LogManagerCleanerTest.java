package io.sluice.log;

import static io.sluice.log.CompactionSupport.overwrite;
import static io.sluice.log.CompactionSupport.readAll;
import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The cleaner as the log manager runs it: checkpoint across restarts, and deletion of a log being cleaned. */
class LogManagerCleanerTest {
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000_000L);
    final LogConfig compacted = config(Map.of("cleanup.policy", "compact", "segment.bytes", 1024));
    // Threads off: the test drives cleanOnce itself.
    final CleanerSettings settings = new CleanerSettings(false, 1, 15000L, 1 << 20, 4096);

    private LogManager manager() {
        return new LogManager(List.of(tmp.resolve("d")), clock, Long.MAX_VALUE, Long.MAX_VALUE, settings);
    }

    @Test
    void cleanOffsetSurvivesARestartSoACleanLogIsNotCleanedAgain() {
        LogManager m = manager();
        m.loadAll(tp -> compacted);
        PartitionLog log = m.getOrCreate(TP, compacted);
        overwrite(log, Compression.NONE, 40, 8, clock.millis());
        long end = m.cleaner().cleanOnce(clock.millis()).orElseThrow().end();
        m.shutdown();

        LogManager again = manager();
        again.loadAll(tp -> compacted);
        assertEquals(end, again.cleaner().cleanOffset(again.get(TP).orElseThrow()));
        assertEquals(Optional.empty(), again.cleaner().cleanOnce(clock.millis()));
        assertEquals(8, CompactionSupport.latest(readAll(again.get(TP).orElseThrow())).size());
        again.shutdown();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void deletingALogWaitsForItsCleaningToGiveUp() throws Exception {
        LogManager m = manager();
        m.loadAll(tp -> compacted);
        PartitionLog log = m.getOrCreate(TP, compacted);
        overwrite(log, Compression.NONE, 40, 8, clock.millis());
        CountDownLatch atSwap = new CountDownLatch(1), release = new CountDownLatch(1);
        m.cleaner().swapListener = step -> {
            if (step.equals("cleaned")) {
                atSwap.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
        };
        CompletableFuture<Optional<SegmentCleaner.Result>> cleaning = CompletableFuture.supplyAsync(() -> m.cleaner().cleanOnce(clock.millis()));
        atSwap.await();
        CompletableFuture<Void> deletion = CompletableFuture.runAsync(() -> m.delete(TP));
        // The deletion waits for the cleaning, which gives up instead of swapping.
        while (!m.cleaner().isPaused(TP)) Thread.onSpinWait();
        assertFalse(deletion.isDone());
        release.countDown();
        deletion.get(10, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), cleaning.get(10, TimeUnit.SECONDS));
        assertFalse(Files.exists(log.directory()));
        assertTrue(m.get(TP).isEmpty());
        m.shutdown();
    }
}
