package io.sluice.log;

import static io.sluice.log.CompactionSupport.assertDeduplicatedBelow;
import static io.sluice.log.CompactionSupport.assertValidCompactionOf;
import static io.sluice.log.CompactionSupport.overwrite;
import static io.sluice.log.CompactionSupport.readAll;
import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.log.CompactionSupport.KV;

/**
 * A crash at every step of a cleaning's swap (simulated by stopping dead after step k and reopening the files
 * without a clean shutdown, the crashed log never closed) leaves a valid log: same log end, every record an original
 * one at its original offset, every key's latest value present.
 */
class CleanerSwapCrashTest {
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000_000L);
    // A delete delay longer than the test: a crashed log's pending deletions must not matter.
    final LogConfig cfg = config(Map.of("cleanup.policy", "compact", "segment.bytes", 1024, "file.delete.delay.ms", 3_600_000L));

    /** Writes a log whose second cleaning merges groups (so a swap replaces several segments with one). */
    private List<KV> build(Path logDir) {
        List<KV> written = new ArrayList<>();
        try (PartitionLog log = PartitionLog.open(logDir.resolve("t-0"), TP, cfg, true, clock)) {
            written.addAll(overwrite(log, Compression.NONE, 30, 8, clock.millis()));
            CompactionSupport.cleaner(logDir, log, clock).cleanOnce(clock.millis()).orElseThrow();
            written.addAll(overwrite(log, Compression.NONE, 30, 8, clock.millis()));
        }
        return written;
    }

    @Test
    void crashAtEveryStepOfTheSwapLeavesAValidLog() throws Exception {
        Path pristine = tmp.resolve("pristine");
        List<KV> written = build(pristine);
        long logEnd = written.size();

        // A dry run names the steps.
        List<String> steps = new ArrayList<>();
        Path dry = tmp.resolve("dry");
        LogTestSupport.copyDir(pristine, dry);
        LogTestSupport.copyDir(pristine.resolve("t-0"), dry.resolve("t-0"));
        try (PartitionLog log = PartitionLog.open(dry.resolve("t-0"), TP, cfg, true, clock)) {
            LogCleaner cleaner = CompactionSupport.cleaner(dry, log, clock);
            cleaner.swapListener = steps::add;
            SegmentCleaner.Result r = cleaner.cleanOnce(clock.millis()).orElseThrow();
            assertTrue(r.segmentsAfter() < r.segmentsBefore(), "groups merge: " + r);
        }
        assertTrue(steps.size() > 5, steps.toString());
        assertTrue(steps.stream().anyMatch(s -> s.startsWith("swap")) && steps.stream().anyMatch(s -> s.startsWith("delete"))
                && steps.stream().anyMatch(s -> s.startsWith("rename")), steps.toString());

        for (int k = 0; k < steps.size(); k++) {
            Path dir = tmp.resolve("crash-" + k);
            LogTestSupport.copyDir(pristine, dir);
            LogTestSupport.copyDir(pristine.resolve("t-0"), dir.resolve("t-0"));
            PartitionLog crashed = PartitionLog.open(dir.resolve("t-0"), TP, cfg, true, clock);
            LogCleaner cleaner = CompactionSupport.cleaner(dir, crashed, clock);
            String crashAfter = steps.get(k);
            cleaner.swapListener = step -> {
                if (step.equals(crashAfter)) throw new SegmentCleaner.SimulatedCrash(step);
            };
            assertThrows(SegmentCleaner.SimulatedCrash.class, () -> cleaner.cleanOnce(clock.millis()), crashAfter);
            // No close: the process died. Reopen as after an unclean shutdown.
            try (PartitionLog log = PartitionLog.open(dir.resolve("t-0"), TP, cfg, false, clock)) {
                assertEquals(logEnd, log.logEndOffset(), "after crash at " + crashAfter);
                List<KV> read = readAll(log);
                assertValidCompactionOf(written, read);
                assertTrue(LogTestSupport.files(dir.resolve("t-0"), LogFiles.SWAP).isEmpty());
                assertTrue(LogTestSupport.files(dir.resolve("t-0"), LogFiles.CLEANED).isEmpty());
                // And the log still cleans fully afterwards.
                LogCleaner again = CompactionSupport.cleaner(dir, log, clock);
                SegmentCleaner.Result r = again.cleanOnce(clock.millis()).orElseThrow();
                read = readAll(log);
                assertValidCompactionOf(written, read);
                assertDeduplicatedBelow(read, r.end());
            }
            // The crashed instance's files are still open; its segments were only ever renamed, never rewritten.
        }
    }

    @Test
    void leftoversOfAnInterruptedRenameOrAnUnfinishedCleaningAreTidiedOnLoad() throws Exception {
        Path logDir = tmp.resolve("tidy");
        List<KV> written = build(logDir);
        Path dir = logDir.resolve("t-0");
        long first = LogFiles.offsetOf(LogTestSupport.files(dir, LogFiles.LOG).get(0).getFileName().toString(), LogFiles.LOG);
        // A crash inside the final rename: the .log has its live name, its indexes still end in .swap.
        java.nio.file.Files.move(LogFiles.index(dir, first), Path.of(LogFiles.index(dir, first) + LogFiles.SWAP));
        java.nio.file.Files.move(LogFiles.timeIndex(dir, first), Path.of(LogFiles.timeIndex(dir, first) + LogFiles.SWAP));
        // A crash while the cleaner was still writing: a torn .cleaned segment.
        java.nio.file.Files.write(Path.of(LogFiles.log(dir, first) + LogFiles.CLEANED), new byte[] {1, 2, 3});
        try (PartitionLog log = PartitionLog.open(dir, TP, cfg, false, clock)) {
            assertEquals(written.size(), log.logEndOffset());
            assertValidCompactionOf(written, readAll(log));
            assertTrue(LogTestSupport.files(dir, LogFiles.SWAP).isEmpty());
            assertTrue(LogTestSupport.files(dir, LogFiles.CLEANED).isEmpty());
            assertTrue(java.nio.file.Files.exists(LogFiles.index(dir, first)), "index rebuilt");
        }
    }
}
