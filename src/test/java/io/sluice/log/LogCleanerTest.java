package io.sluice.log;

import static io.sluice.log.CompactionSupport.assertDeduplicatedBelow;
import static io.sluice.log.CompactionSupport.assertValidCompactionOf;
import static io.sluice.log.CompactionSupport.keyed;
import static io.sluice.log.CompactionSupport.latest;
import static io.sluice.log.CompactionSupport.overwrite;
import static io.sluice.log.CompactionSupport.readAll;
import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.sluice.log.CompactionSupport.KV;

class LogCleanerTest {
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000_000L);

    private Path logDir() {
        return tmp.resolve("logs");
    }

    private PartitionLog open(Map<String, Object> overrides) {
        Map<String, Object> m = new HashMap<>(Map.of("cleanup.policy", "compact", "segment.bytes", 1024));
        m.putAll(overrides);
        return PartitionLog.open(logDir().resolve(TP.topic() + "-" + TP.partition()), TP, config(m), true, clock);
    }

    @Test
    void manyOverwritesLeaveOnlyTheLatestValueWithOffsetsKept() throws Exception {
        try (PartitionLog log = open(Map.of())) {
            List<KV> written = overwrite(log, Compression.NONE, 40, 8, clock.millis());
            int segmentsBefore = log.segmentCount();
            assertTrue(segmentsBefore > 5);
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            SegmentCleaner.Result r = cleaner.cleanOnce(clock.millis()).orElseThrow();
            assertEquals(log.segmentMap().lastKey(), r.end(), "cleaned up to the active segment");

            List<KV> read = readAll(log);
            assertValidCompactionOf(written, read);
            assertDeduplicatedBelow(read, r.end());
            assertTrue(read.size() < written.size() / 2, "most overwritten records are gone: " + read.size());
            // Gaps: offsets are kept, so the cleaned part is sparse.
            assertEquals(0, log.logStartOffset());
            assertTrue(read.get(0).offset() > 0, "the first records are gone, the log start is not: " + read.get(0));
            assertEquals(written.size(), log.logEndOffset());
            // Checkpoint in Kafka's format records the clean offset.
            assertEquals(List.of("0", "1", TP.topic() + " " + TP.partition() + " " + r.end()),
                    Files.readAllLines(logDir().resolve(CleanerCheckpoint.FILE_NAME)));
            // Nothing left to do until more is written.
            assertTrue(cleaner.cleanOnce(clock.millis()).isEmpty());
            // A second cleaning also groups the now small cleaned segments into fewer ones (up to segment.bytes).
            List<KV> all = new ArrayList<>(written);
            all.addAll(overwrite(log, Compression.NONE, 40, 8, clock.millis()));
            SegmentCleaner.Result second = cleaner.cleanOnce(clock.millis()).orElseThrow();
            assertTrue(second.segmentsAfter() < second.segmentsBefore(), second.toString());
            for (LogSegment s : log.segmentMap().values()) assertTrue(s.size() <= 1024);
            read = readAll(log);
            assertValidCompactionOf(all, read);
            assertDeduplicatedBelow(read, second.end());
        }
        // Reopens cleanly and after a crash with the same content.
        try (PartitionLog log = PartitionLog.open(logDir().resolve(TP.topic() + "-" + TP.partition()), TP,
                config(Map.of("cleanup.policy", "compact", "segment.bytes", 1024)), false, clock)) {
            assertEquals(640, log.logEndOffset());
            assertEquals(8, latest(readAll(log)).size());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "LZ4", "ZSTD", "SNAPPY"})
    void keysAreReadFromCompressedBatchesAndOutputKeepsTheCodec(CompressionType type) {
        try (PartitionLog log = open(Map.of())) {
            List<KV> written = overwrite(log, Compression.of(type).build(), 60, 8, clock.millis());
            SegmentCleaner.Result r = CompactionSupport.cleaner(logDir(), log, clock).cleanOnce(clock.millis()).orElseThrow();
            List<KV> read = readAll(log);
            assertValidCompactionOf(written, read);
            assertDeduplicatedBelow(read, r.end());
            for (LogSegment s : log.segmentMap().values())
                for (RecordBatch b : s.records().batches()) if (b.countOrNull() > 0) assertEquals(type, b.compressionType());
        }
    }

    @Test
    void tombstonesStayForDeleteRetentionAfterTheirFirstCleaningThenGo() {
        long retention = 60_000;
        try (PartitionLog log = open(Map.of("delete.retention.ms", retention))) {
            List<KV> written = new ArrayList<>(overwrite(log, Compression.NONE, 5, 8, clock.millis()));
            log.append(keyed(clock.millis(), "k1", null, "k2", null), 0, true);
            written.add(new KV(40, "k1", null));
            written.add(new KV(41, "k2", null));
            written.addAll(overwriteTail(log, 30));
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            SegmentCleaner.Result first = cleaner.cleanOnce(clock.millis()).orElseThrow();
            assertTrue(first.end() > 41);
            List<KV> read = readAll(log);
            assertValidCompactionOf(written, read);
            assertTrue(read.contains(new KV(40, "k1", null)), "tombstone kept: " + read);
            assertFalse(read.stream().anyMatch(kv -> kv.key().equals("k1") && kv.value() != null), "value under the tombstone gone");

            clock.advance(retention - 1);
            assertTrue(cleaner.cleanOnce(clock.millis()).isEmpty(), "nothing due before the horizon");
            assertTrue(readAll(log).contains(new KV(41, "k2", null)));

            clock.advance(1);
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent(), "the horizon forces a cleaning");
            read = readAll(log);
            assertFalse(read.stream().anyMatch(kv -> kv.key().equals("k1") || kv.key().equals("k2")), read.toString());
            assertEquals(latest(written).size() - 2, latest(read).size());
        }
    }

    /** Filler under other keys ("f0".."f9"), enough to roll the segments holding what came before. */
    private List<KV> overwriteTail(PartitionLog log, int rounds) {
        List<KV> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            String[] kv = new String[20];
            for (int k = 0; k < 10; k++) {
                kv[2 * k] = "f" + k;
                kv[2 * k + 1] = "t" + r + "-" + k;
            }
            LogAppendResult res = log.append(keyed(clock.millis(), kv), 0, true);
            for (int k = 0; k < 10; k++) out.add(new KV(res.firstOffset() + k, kv[2 * k], kv[2 * k + 1]));
        }
        return out;
    }

    @Test
    void minCompactionLagProtectsRecentRecords() {
        try (PartitionLog log = open(Map.of("min.compaction.lag.ms", 10_000L))) {
            List<KV> written = overwrite(log, Compression.NONE, 40, 8, clock.millis());
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            assertTrue(cleaner.cleanOnce(clock.millis()).isEmpty(), "every segment is younger than the lag");
            assertEquals(written, readAll(log));
            clock.advance(10_001);
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent());
            assertValidCompactionOf(written, readAll(log));
            assertTrue(readAll(log).size() < written.size());
        }
    }

    @Test
    void dirtyRatioBelowThresholdWaitsAndMaxCompactionLagForcesIt() {
        try (PartitionLog log = open(Map.of("min.cleanable.dirty.ratio", 0.9, "max.compaction.lag.ms", 300_000L))) {
            List<KV> written = new ArrayList<>(overwrite(log, Compression.NONE, 40, 40, clock.millis()));
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent(), "a never-cleaned log is all dirty");
            // A little more: one or two dirty segments against a larger clean part.
            written.addAll(overwrite(log, Compression.NONE, 3, 40, clock.millis()));
            LogCleaner.Cleanable c = cleaner.evaluate(log, clock.millis());
            assertTrue(c.dirtyBytes() > 0);
            assertTrue(c.dirtyRatio() < 0.9, "ratio " + c.dirtyRatio());
            assertTrue(cleaner.cleanOnce(clock.millis()).isEmpty(), "below min.cleanable.dirty.ratio");
            clock.advance(300_001);
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent(), "max.compaction.lag.ms passed");
            List<KV> read = readAll(log);
            assertValidCompactionOf(written, read);
            assertDeduplicatedBelow(read, cleaner.cleanOffset(log));
        }
    }

    @Test
    void maxCompactionLagRollsTheActiveSegmentSoItCanBeCleaned() {
        try (PartitionLog log = open(Map.of("max.compaction.lag.ms", 5_000L, "segment.bytes", 1 << 20))) {
            List<KV> written = new ArrayList<>(overwrite(log, Compression.NONE, 10, 4, clock.millis()));
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            assertTrue(cleaner.cleanOnce(clock.millis()).isEmpty(), "all in the active segment");
            clock.advance(5_001);
            written.addAll(overwrite(log, Compression.NONE, 1, 1, clock.millis()));
            assertEquals(2, log.segmentCount(), "rolled at max.compaction.lag.ms");
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent());
            List<KV> read = readAll(log);
            assertValidCompactionOf(written, read);
            assertEquals(5, read.size());
        }
    }

    @Test
    void nothingAboveTheCleanerUpperBoundIsCleaned() {
        try (PartitionLog log = open(Map.of())) {
            List<KV> written = overwrite(log, Compression.NONE, 40, 8, clock.millis());
            log.setCleanerUpperBound(0);
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            assertTrue(cleaner.cleanOnce(clock.millis()).isEmpty());
            assertEquals(written, readAll(log));
            log.setCleanerUpperBound(150);
            SegmentCleaner.Result r = cleaner.cleanOnce(clock.millis()).orElseThrow();
            assertTrue(r.end() <= 150 && r.end() > 0, r.toString());
            List<KV> read = readAll(log);
            assertValidCompactionOf(written, read);
            assertEquals(written.stream().filter(kv -> kv.offset() >= r.end()).toList(),
                    read.stream().filter(kv -> kv.offset() >= r.end()).toList(), "untouched above the bound");
        }
    }

    @Test
    void dirtyRatioAboveThresholdCleans() {
        try (PartitionLog log = open(Map.of("min.cleanable.dirty.ratio", 0.5))) {
            List<KV> written = new ArrayList<>(overwrite(log, Compression.NONE, 40, 8, clock.millis()));
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            cleaner.cleanOnce(clock.millis()).orElseThrow();
            written.addAll(overwrite(log, Compression.NONE, 40, 8, clock.millis()));
            assertTrue(cleaner.evaluate(log, clock.millis()).dirtyRatio() >= 0.5);
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent());
            assertValidCompactionOf(written, readAll(log));
        }
    }

    @Test
    void compactDeleteAlsoAppliesRetention() {
        try (PartitionLog log = open(Map.of("cleanup.policy", "compact,delete", "retention.ms", 100_000L))) {
            overwrite(log, Compression.NONE, 40, 8, clock.millis());
            LogCleaner cleaner = CompactionSupport.cleaner(logDir(), log, clock);
            cleaner.cleanOnce(clock.millis()).orElseThrow();
            clock.advance(50_000);
            List<KV> recent = overwrite(log, Compression.NONE, 40, 8, clock.millis());
            clock.advance(60_000);
            assertTrue(log.applyRetention(clock.millis()) > 0, "the old cleaned segments expire");
            assertTrue(log.logStartOffset() >= 320);
            List<KV> read = readAll(log);
            assertTrue(read.stream().allMatch(kv -> kv.offset() >= 320));
            assertValidCompactionOf(recent, read);
            // Compaction still works on what is left.
            assertTrue(cleaner.cleanOnce(clock.millis()).isPresent());
            assertValidCompactionOf(recent, readAll(log));
        }
    }

    @Test
    void idempotentProducerStateSurvivesCleaning() throws Exception {
        long pid = 77L;
        Path dir;
        try (PartitionLog log = open(Map.of())) {
            dir = log.directory();
            int seq = 0;
            for (int i = 0; i < 5; i++) {
                log.append(org.apache.kafka.common.record.internal.MemoryRecords.withIdempotentRecords(Compression.NONE, pid,
                        (short) 0, seq, new org.apache.kafka.common.record.internal.SimpleRecord(clock.millis(), "pk".getBytes(), ("v" + i).getBytes())),
                        0, true);
                seq++;
            }
            // The producer's last batch is overwritten by someone else, so cleaning would empty it.
            log.append(keyed(clock.millis(), "pk", "other"), 0, true);
            overwrite(log, Compression.NONE, 40, 8, clock.millis());
            CompactionSupport.cleaner(logDir(), log, clock).cleanOnce(clock.millis()).orElseThrow();
            assertFalse(readAll(log).stream().anyMatch(kv -> kv.value().startsWith("v")), "producer's records compacted away");
            assertTrue(log.append(retry(pid), 0, true).duplicate(), "retry of the last batch is a duplicate");
        }
        // Rebuilt from the log alone (no snapshots, unclean open): the kept batch header still carries the sequence.
        for (Path p : LogTestSupport.files(dir, LogFiles.SNAPSHOT)) Files.delete(p);
        try (PartitionLog log = PartitionLog.open(dir, TP, config(Map.of("cleanup.policy", "compact", "segment.bytes", 1024)), false, clock)) {
            LogAppendResult again = log.append(retry(pid), 0, true);
            assertTrue(again.duplicate());
            assertEquals(4, again.firstOffset());
        }
    }

    private org.apache.kafka.common.record.internal.MemoryRecords retry(long pid) {
        return org.apache.kafka.common.record.internal.MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, 4,
                new org.apache.kafka.common.record.internal.SimpleRecord(clock.millis(), "pk".getBytes(), "v4".getBytes()));
    }

    @Test
    void aFollowerCopiesACleanedLogBatchForBatch() {
        try (PartitionLog leader = open(Map.of())) {
            long pid = 9L;
            leader.append(org.apache.kafka.common.record.internal.MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, 0,
                    new org.apache.kafka.common.record.internal.SimpleRecord(clock.millis(), "k1".getBytes(), "gone".getBytes())), 0, true);
            overwrite(leader, Compression.NONE, 40, 8, clock.millis());
            overwrite(leader, Compression.NONE, 40, 4, clock.millis()); // half the keys again: sparse batches remain
            CompactionSupport.cleaner(logDir(), leader, clock).cleanOnce(clock.millis()).orElseThrow();
            boolean sawEmpty = false, sawSparse = false;
            try (PartitionLog follower = PartitionLog.open(tmp.resolve("follower").resolve("t-0"), TP,
                    config(Map.of("cleanup.policy", "compact", "segment.bytes", 1024)), true, clock)) {
                long next = 0;
                while (next < leader.logEndOffset()) {
                    org.apache.kafka.common.record.internal.Records r = leader.read(next, 1 << 20, Long.MAX_VALUE, true).records();
                    org.apache.kafka.common.record.internal.MemoryRecords copy = org.apache.kafka.common.record.internal.MemoryRecords
                            .readableRecords(toBuffer(r));
                    for (RecordBatch b : copy.batches()) {
                        sawEmpty |= b.countOrNull() == 0;
                        sawSparse |= b.countOrNull() > 0 && b.countOrNull() < b.lastOffset() - b.baseOffset() + 1;
                        next = b.nextOffset();
                    }
                    follower.appendAsFollower(copy);
                }
                assertTrue(sawEmpty, "the producer's emptied batch is kept as a header");
                assertTrue(sawSparse);
                assertEquals(leader.logEndOffset(), follower.logEndOffset());
                assertEquals(readAll(leader), readAll(follower));
            }
        }
    }

    private static java.nio.ByteBuffer toBuffer(org.apache.kafka.common.record.internal.Records r) {
        if (r instanceof org.apache.kafka.common.record.internal.MemoryRecords m) return m.buffer();
        try {
            org.apache.kafka.common.record.internal.FileRecords f = (org.apache.kafka.common.record.internal.FileRecords) r;
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(f.sizeInBytes());
            f.readInto(buf, 0);
            return buf;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void nonCompactedLogsAreNeverCleaned() {
        try (PartitionLog log = open(Map.of("cleanup.policy", "delete"))) {
            List<KV> written = overwrite(log, Compression.NONE, 40, 8, clock.millis());
            assertEquals(Optional.empty(), CompactionSupport.cleaner(logDir(), log, clock).cleanOnce(clock.millis()));
            assertEquals(written, readAll(log));
        }
    }

    @Test
    void checkpointIsReadBackAndUnknownOffsetsFallBackToTheLogStart() throws Exception {
        try (PartitionLog log = open(Map.of())) {
            overwrite(log, Compression.NONE, 40, 8, clock.millis());
            long end = CompactionSupport.cleaner(logDir(), log, clock).cleanOnce(clock.millis()).orElseThrow().end();
            assertEquals(end, CompactionSupport.cleaner(logDir(), log, clock).cleanOffset(log), "a new cleaner reads the file");
            new CheckpointFile(logDir().resolve(CleanerCheckpoint.FILE_NAME)).write(List.of(TP.topic() + " " + TP.partition() + " 999999"));
            assertEquals(0, CompactionSupport.cleaner(logDir(), log, clock).cleanOffset(log));
            Files.writeString(logDir().resolve(CleanerCheckpoint.FILE_NAME), "garbage");
            assertEquals(0, CompactionSupport.cleaner(logDir(), log, clock).cleanOffset(log));
            assertNull(new CleanerCheckpoint(logDir()).get(TP));
        }
    }
}
