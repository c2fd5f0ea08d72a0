package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash image (files copied from a live log that was never closed), damaged in the last batch, must recover to the intact prefix. */
class RecoveryTest {
    private static final int BATCHES = 30;
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000L);
    final LogConfig cfg = config(Map.of("segment.bytes", 700, "index.interval.bytes", 60));
    Path crashImage;
    long lastBatchBase;
    int lastBatchStart;
    int lastBatchEnd;
    Path lastLogFile;

    @BeforeEach
    void writeCrashImage() throws Exception {
        Path live = tmp.resolve("live");
        PartitionLog log = PartitionLog.open(live, TP, cfg, true, clock);
        for (int i = 0; i < BATCHES - 1; i++) log.append(batch("r" + i, 1 + i % 3), 0, true);
        log.flush(); // a recovery point below the last batch: the last segment must still be checked
        lastBatchBase = log.logEndOffset();
        log.append(batch("last", 3), 0, true);
        crashImage = tmp.resolve("image");
        LogTestSupport.copyDir(live, crashImage);
        log.close();
        List<Path> logs = LogTestSupport.files(crashImage, ".log");
        assertTrue(logs.size() > 2, "the image spans several segments");
        lastLogFile = logs.get(logs.size() - 1);
        lastBatchEnd = (int) Files.size(lastLogFile);
        lastBatchStart = lastBatchEnd - batch("last", 3).sizeInBytes();
    }

    private Path freshCopy(String name) throws Exception {
        Path dir = tmp.resolve(name);
        LogTestSupport.copyDir(crashImage, dir);
        return dir;
    }

    /** The recovered log holds exactly the batches before the damaged one, every offset is found, and appends continue. */
    private void assertRecoveredToPrefix(Path dir) {
        try (PartitionLog log = PartitionLog.open(dir, TP, cfg, false, clock)) {
            assertEquals(lastBatchBase, log.logEndOffset());
            List<LogTestSupport.Rec> all = readAll(log);
            assertEquals(lastBatchBase, all.size());
            for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).offset());
            for (long o = 0; o < lastBatchBase; o++) {
                RecordBatch b = log.read(o, 1, Long.MAX_VALUE, true).records().batches().iterator().next();
                assertTrue(b.baseOffset() <= o && o <= b.lastOffset(), "lookup of offset " + o);
            }
            assertEquals(lastBatchBase, log.append(batch("again", 2), 1, true).firstOffset());
            assertEquals("again-1", readAll(log).get((int) lastBatchBase + 1).value());
        }
    }

    @Test
    void intactImageRecoversEverything() throws Exception {
        try (PartitionLog log = PartitionLog.open(freshCopy("intact"), TP, cfg, false, clock)) {
            assertEquals(lastBatchBase + 3, log.logEndOffset());
            assertEquals("last-2", readAll(log).get((int) lastBatchBase + 2).value());
        }
    }

    @Test
    void tornLastBatchAtEveryByteIsTruncated() throws Exception {
        for (int cut = lastBatchStart; cut < lastBatchEnd; cut++) {
            Path dir = freshCopy("cut-" + cut);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(lastLogFile.getFileName()).toFile(), "rw")) {
                f.setLength(cut);
            }
            assertRecoveredToPrefix(dir);
        }
    }

    @Test
    void flippedByteInLastBatchIsTruncated() throws Exception {
        // Base offset and partition leader epoch (bytes 0..7 and 12..15) are outside Kafka's CRC; every other byte is checked.
        for (int i = 8; i < lastBatchEnd - lastBatchStart; i++) {
            if (i >= 12 && i < 16) continue;
            Path dir = freshCopy("flip-" + i);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(lastLogFile.getFileName()).toFile(), "rw")) {
                f.seek(lastBatchStart + i);
                int b = f.read();
                f.seek(lastBatchStart + i);
                f.write(b ^ 0x5A);
            }
            assertRecoveredToPrefix(dir);
        }
    }

    @Test
    void garbageIndexIsRebuiltAfterCleanShutdown() throws Exception {
        Path dir = freshCopy("cleanish");
        try (PartitionLog log = PartitionLog.open(dir, TP, cfg, false, clock)) {
            assertEquals(lastBatchBase + 3, log.logEndOffset());
        }
        Path index = LogTestSupport.files(dir, ".index").get(0);
        byte[] junk = new byte[(int) Files.size(index)];
        java.util.Arrays.fill(junk, (byte) 0x7F);
        Files.write(index, junk);
        try (PartitionLog log = PartitionLog.open(dir, TP, cfg, true, clock)) {
            for (long o = 0; o < log.logEndOffset(); o++) {
                RecordBatch b = log.read(o, 1, Long.MAX_VALUE, true).records().batches().iterator().next();
                assertTrue(b.baseOffset() <= o && o <= b.lastOffset(), "lookup of offset " + o);
            }
        }
    }
}
