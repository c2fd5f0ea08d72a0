package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords.TimestampAndOffset;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionLogTest {
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000_000L);

    private PartitionLog open(LogConfig cfg) {
        return PartitionLog.open(tmp.resolve("orders-eu-3"), TP, cfg, true, clock);
    }

    private static List<RecordBatch> batches(Records r) {
        List<RecordBatch> out = new ArrayList<>();
        r.batches().forEach(out::add);
        return out;
    }

    @Test
    void assignsOffsetsAcrossManyBatchesAndSegmentRolls() {
        try (PartitionLog log = open(config(Map.of("segment.bytes", 1024, "index.interval.bytes", 100)))) {
            long expected = 0;
            for (int i = 0; i < 200; i++) {
                int n = 1 + i % 4;
                LogAppendResult r = log.append(batch("b" + i, n), 5, true);
                assertEquals(expected, r.firstOffset());
                assertEquals(expected + n - 1, r.lastOffset());
                assertEquals(n, r.recordCount());
                assertFalse(r.duplicate());
                expected += n;
            }
            assertEquals(expected, log.logEndOffset());
            assertTrue(log.segmentCount() > 5, "small segment.bytes must roll: " + log.segmentCount());
            List<LogTestSupport.Rec> all = readAll(log);
            assertEquals(expected, all.size());
            for (int i = 0; i < all.size(); i++) assertEquals(i, all.get(i).offset());
            assertEquals("b0-0", all.get(0).value());
            assertEquals("b199-3", all.get(all.size() - 1).value());
            // Stored batches carry the leader epoch they were appended in.
            for (RecordBatch b : log.read(0, 1 << 20, Long.MAX_VALUE, true).records().batches()) assertEquals(5, b.partitionLeaderEpoch());
            for (Path p : LogTestSupport.filesUnchecked(tmp.resolve("orders-eu-3"), ".log"))
                assertEquals(20 + 4, p.getFileName().toString().length());
        }
    }

    @Test
    void readInTheMiddleOfABatchReturnsTheWholeBatch() {
        try (PartitionLog log = open(config(Map.of()))) {
            log.append(batch("a", 5), 0, true);
            log.append(batch("b", 5), 0, true);
            List<RecordBatch> got = batches(log.read(7, 1 << 20, Long.MAX_VALUE, false).records());
            assertEquals(1, got.size());
            assertEquals(5, got.get(0).baseOffset());
            assertEquals(9, got.get(0).lastOffset());
            assertEquals(0, batches(log.read(10, 1 << 20, Long.MAX_VALUE, false).records()).size(), "read at the log end is empty");
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(11, 100, Long.MAX_VALUE, false));
        }
    }

    @Test
    void maxBytesAndMinOneMessage() {
        try (PartitionLog log = open(config(Map.of()))) {
            for (int i = 0; i < 4; i++) log.append(batch("x" + i, 3), 0, true);
            int batchSize = log.read(0, 1 << 20, Long.MAX_VALUE, false).records().batches().iterator().next().sizeInBytes();
            Records two = log.read(0, batchSize * 2 + batchSize / 2, Long.MAX_VALUE, false).records();
            assertEquals(2, batches(two).size());
            assertEquals(batchSize * 2, two.sizeInBytes());
            assertEquals(0, log.read(0, batchSize - 1, Long.MAX_VALUE, false).records().sizeInBytes());
            Records one = log.read(3, batchSize - 1, Long.MAX_VALUE, true).records();
            assertEquals(batchSize, one.sizeInBytes(), "minOneMessage returns exactly the first batch");
            assertEquals(3, batches(one).get(0).baseOffset());
        }
    }

    @Test
    void highWatermarkBoundsTheRead() {
        try (PartitionLog log = open(config(Map.of()))) {
            for (int i = 0; i < 4; i++) log.append(batch("x" + i, 3), 0, true);
            List<RecordBatch> got = batches(log.read(0, 1 << 20, 6, true).records());
            assertEquals(2, got.size());
            assertEquals(5, got.get(1).lastOffset());
            // A batch that ends at or above the bound is never returned, even partly.
            assertEquals(0, log.read(6, 1 << 20, 8, true).records().sizeInBytes());
            assertEquals(1, batches(log.read(6, 1 << 20, 9, true).records()).size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "lz4", "zstd", "snappy"})
    void compressedBatchesAreStoredAsReceived(String codec) {
        Compression compression = switch (codec) {
            case "gzip" -> Compression.gzip().build();
            case "lz4" -> Compression.lz4().build();
            case "zstd" -> Compression.zstd().build();
            default -> Compression.snappy().build();
        };
        try (PartitionLog log = open(config(Map.of()))) {
            log.append(batch("first", 2), 0, true);
            MemoryRecords sent = batch(compression, "c", 50, 2_000L);
            byte[] before = bytes(sent.buffer());
            log.append(sent, 3, true);
            RecordBatch stored = log.read(2, 1 << 20, Long.MAX_VALUE, false).records().batches().iterator().next();
            assertEquals(2, stored.baseOffset());
            assertEquals(51, stored.lastOffset());
            assertEquals(3, stored.partitionLeaderEpoch());
            assertEquals(compression.type(), stored.compressionType());
            ByteBuffer storedBuf = ByteBuffer.allocate(stored.sizeInBytes());
            stored.writeTo(storedBuf);
            byte[] after = storedBuf.array();
            assertEquals(before.length, after.length);
            // Only base offset (0..7) and partition leader epoch (12..15) differ; the CRC and the compressed body do not.
            for (int i = 0; i < before.length; i++)
                if ((i < 0 || i > 7) && (i < 12 || i > 15)) assertEquals(before[i], after[i], "byte " + i);
            assertEquals(52, readAll(log).size());
            assertEquals("c-49", readAll(log).get(51).value());
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void corruptBatchIsRejectedAndNothingIsAppended() {
        try (PartitionLog log = open(config(Map.of()))) {
            log.append(batch("ok", 1), 0, true);
            MemoryRecords good = batch("a", 2);
            MemoryRecords bad = batch("b", 2);
            bad.buffer().put(bad.sizeInBytes() - 1, (byte) (bad.buffer().get(bad.sizeInBytes() - 1) ^ 1));
            ByteBuffer both = ByteBuffer.allocate(good.sizeInBytes() + bad.sizeInBytes());
            both.put(good.buffer().duplicate()).put(bad.buffer().duplicate()).flip();
            long sizeBefore = log.sizeInBytes();
            assertThrows(CorruptRecordException.class, () -> log.append(MemoryRecords.readableRecords(both), 0, true));
            assertEquals(1, log.logEndOffset());
            assertEquals(sizeBefore, log.sizeInBytes());
        }
    }

    @Test
    void oversizedLegacyEmptyAndKeylessBatchesAreRejected() {
        try (PartitionLog log = open(config(Map.of("max.message.bytes", 500, "cleanup.policy", "compact")))) {
            byte[] big = new byte[600];
            assertThrows(RecordTooLargeException.class,
                    () -> log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), big)), 0, true));
            assertThrows(UnsupportedForMessageFormatException.class, () -> log.append(
                    MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes())), 0, true));
            assertThrows(InvalidRecordException.class, () -> log.append(MemoryRecords.EMPTY, 0, true));
            assertThrows(InvalidRecordException.class,
                    () -> log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(null, "v".getBytes())), 0, true));
            assertEquals(0, log.logEndOffset());
            assertEquals(0, log.sizeInBytes());
        }
    }

    @Test
    void recordCountMismatchIsRejected() {
        try (PartitionLog log = open(config(Map.of()))) {
            MemoryRecords r = batch("a", 3);
            // Declare 4 records while the batch holds 3, and fix the CRC so only the count check can catch it.
            r.buffer().putInt(DefaultRecordBatch.RECORDS_COUNT_OFFSET, 4);
            r.buffer().putInt(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET, 3);
            fixCrc(r.buffer());
            assertThrows(InvalidRecordException.class, () -> log.append(r, 0, true));
            assertEquals(0, log.logEndOffset());
        }
    }

    static void fixCrc(ByteBuffer b) {
        long crc = org.apache.kafka.common.utils.internals.Crc32C.compute(b, DefaultRecordBatch.CRC_OFFSET + 4,
                b.limit() - DefaultRecordBatch.CRC_OFFSET - 4);
        b.putInt(DefaultRecordBatch.CRC_OFFSET, (int) crc);
    }

    @Test
    void logAppendTimeOverwritesTheBatchTimestamp() {
        try (PartitionLog log = open(config(Map.of("message.timestamp.type", "LogAppendTime")))) {
            LogAppendResult r = log.append(batch(Compression.NONE, "a", 2, 5L), 0, true);
            assertEquals(clock.millis(), r.logAppendTime());
            RecordBatch b = log.read(0, 1 << 20, Long.MAX_VALUE, false).records().batches().iterator().next();
            b.ensureValid();
            assertEquals(TimestampType.LOG_APPEND_TIME, b.timestampType());
            assertEquals(clock.millis(), b.maxTimestamp());
        }
    }

    @Test
    void offsetForTimestampAndMaxTimestamp() {
        try (PartitionLog log = open(config(Map.of("segment.bytes", 600, "index.interval.bytes", 50)))) {
            for (int i = 0; i < 40; i++) log.append(batch(Compression.NONE, "t" + i, 2, 100L * i), 0, true);
            assertTrue(log.segmentCount() > 2);
            for (int i = 0; i < 40; i++) {
                TimestampAndOffset t = log.offsetForTimestamp(100L * i).orElseThrow();
                assertEquals(2L * i, t.offset, "timestamp " + 100L * i);
                assertEquals(100L * i, t.timestamp);
                assertEquals(2L * (i + 1), log.offsetForTimestamp(100L * i + 1).map(x -> x.offset).orElse(80L));
            }
            assertTrue(log.offsetForTimestamp(100L * 40).isEmpty());
            TimestampAndOffset max = log.maxTimestampAndOffset().orElseThrow();
            assertEquals(3900L, max.timestamp);
            assertEquals(78L, max.offset);
        }
        // The time indexes trimmed at close still answer after a reopen.
        try (PartitionLog log = open(config(Map.of("segment.bytes", 600, "index.interval.bytes", 50)))) {
            assertEquals(50L, log.offsetForTimestamp(2500L).orElseThrow().offset);
            assertEquals(78L, log.maxTimestampAndOffset().orElseThrow().offset);
        }
    }

    @Test
    void deleteRecordsBeforePersistsAcrossRestart() {
        LogConfig cfg = config(Map.of("segment.bytes", 300));
        try (PartitionLog log = open(cfg)) {
            for (int i = 0; i < 30; i++) log.append(batch("d" + i, 2), 0, true);
            int segmentsBefore = log.segmentCount();
            log.deleteRecordsBefore(25);
            assertEquals(25, log.logStartOffset());
            assertTrue(log.segmentCount() < segmentsBefore);
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(24, 100, Long.MAX_VALUE, true));
            assertThrows(OffsetOutOfRangeException.class, () -> log.deleteRecordsBefore(61));
            assertEquals(25, readAll(log).get(0).offset());
        }
        try (PartitionLog log = PartitionLog.open(tmp.resolve("orders-eu-3"), TP, cfg, false, clock)) {
            assertEquals(25, log.logStartOffset());
            assertEquals(60, log.logEndOffset());
            assertEquals(35, readAll(log).size());
        }
    }

    @Test
    void leaderEpochsArePersistedAndAnswerOffsetForLeaderEpoch() throws Exception {
        LogConfig cfg = config(Map.of());
        try (PartitionLog log = open(cfg)) {
            log.append(batch("a", 3), 1, true);   // epoch 1 starts at 0
            log.append(batch("b", 2), 1, true);
            log.append(batch("c", 4), 3, true);   // epoch 3 starts at 5
            log.append(batch("d", 1), 4, true);   // epoch 4 starts at 9
            assertEquals(new EpochEndOffset(1, 5), log.endOffsetForEpoch(1));
            assertEquals(new EpochEndOffset(1, 5), log.endOffsetForEpoch(2));
            assertEquals(new EpochEndOffset(3, 9), log.endOffsetForEpoch(3));
            assertEquals(new EpochEndOffset(4, 10), log.endOffsetForEpoch(4));
            assertEquals(EpochEndOffset.UNDEFINED, log.endOffsetForEpoch(5));
            assertEquals(new EpochEndOffset(0, 0), log.endOffsetForEpoch(0));
        }
        assertEquals(List.of("0", "3", "1 0", "3 5", "4 9"), Files.readAllLines(tmp.resolve("orders-eu-3/leader-epoch-checkpoint")));
        try (PartitionLog log = open(cfg)) {
            assertEquals(4, log.latestEpoch());
            assertEquals(new EpochEndOffset(3, 9), log.endOffsetForEpoch(3));
            log.truncateTo(9);
            assertEquals(9, log.logEndOffset());
            assertEquals(3, log.latestEpoch(), "epoch 4 started at the truncated offset 9");
            assertEquals(new EpochEndOffset(3, 9), log.endOffsetForEpoch(3));
            log.truncateTo(7); // inside batch 5..8: the whole batch goes, and epoch 3 with it
            assertEquals(5, log.logEndOffset());
            assertEquals(1, log.latestEpoch());
        }
    }

    @Test
    void truncateToRemovesTheTailAndAppendsContinue() {
        try (PartitionLog log = open(config(Map.of("segment.bytes", 300)))) {
            for (int i = 0; i < 20; i++) log.append(batch("t" + i, 2), 0, true);
            log.truncateTo(13); // inside the batch 12..13: the whole batch goes
            assertEquals(12, log.logEndOffset());
            assertEquals(12, readAll(log).size());
            assertEquals(12, log.append(batch("new", 1), 1, true).firstOffset());
            assertEquals("new-0", readAll(log).get(12).value());
        }
    }

    @Test
    void retentionByTimeRollsAndDeletesExpiredSegments() {
        LogConfig cfg = config(Map.of("segment.bytes", 400, "retention.ms", 10_000, "file.delete.delay.ms", 0));
        try (PartitionLog log = open(cfg)) {
            for (int i = 0; i < 10; i++) log.append(batch(Compression.NONE, "old" + i, 2, clock.millis()), 0, true);
            clock.advance(5_000);
            for (int i = 0; i < 10; i++) log.append(batch(Compression.NONE, "new" + i, 2, clock.millis()), 0, true);
            int before = log.segmentCount();
            assertEquals(0, log.applyRetention(clock.millis()));
            clock.advance(6_000); // old batches are 11 s old, new ones 6 s
            int deleted = log.applyRetention(clock.millis());
            assertTrue(deleted > 0);
            assertEquals(before - deleted, log.segmentCount());
            assertTrue(log.logStartOffset() > 0 && log.logStartOffset() <= 20, "start " + log.logStartOffset());
            assertTrue(readAll(log).stream().allMatch(r -> r.value().startsWith("new") || r.offset() >= log.logStartOffset()));
            assertEquals(40, log.logEndOffset());
            clock.advance(60_000); // everything expired: the active segment is rolled, then deleted
            log.applyRetention(clock.millis());
            assertEquals(1, log.segmentCount());
            assertEquals(40, log.logStartOffset());
            assertEquals(0, log.sizeInBytes());
            assertEquals(40, log.append(batch("after", 1), 0, true).firstOffset());
        }
    }

    @Test
    void retentionBySizeKeepsTheNewestSegments() {
        LogConfig cfg = config(Map.of("segment.bytes", 400, "retention.bytes", 800, "retention.ms", -1));
        try (PartitionLog log = open(cfg)) {
            for (int i = 0; i < 40; i++) log.append(batch("s" + i, 2), 0, true);
            assertTrue(log.sizeInBytes() > 800);
            assertTrue(log.applyRetention(clock.millis()) > 0);
            assertTrue(log.sizeInBytes() <= 800 + 400, "size " + log.sizeInBytes());
            assertEquals(80, log.logEndOffset());
            assertEquals(log.logStartOffset(), readAll(log).get(0).offset());
            assertEquals("s39-1", readAll(log).get(readAll(log).size() - 1).value());
        }
    }

    @Test
    void deletedIndexIsRebuiltOnOpen() throws Exception {
        LogConfig cfg = config(Map.of("segment.bytes", 2000, "index.interval.bytes", 64));
        Path dir = tmp.resolve("orders-eu-3");
        try (PartitionLog log = open(cfg)) {
            for (int i = 0; i < 60; i++) log.append(batch("i" + i, 2), 0, true);
        }
        List<Path> indexes = LogTestSupport.files(dir, ".index");
        assertTrue(indexes.size() > 1);
        long sizeBefore = Files.size(indexes.get(0));
        assertTrue(sizeBefore > 0);
        Files.delete(indexes.get(0));
        Files.delete(LogTestSupport.files(dir, ".timeindex").get(0));
        try (PartitionLog log = open(cfg)) {
            assertEquals(sizeBefore, Files.size(indexes.get(0)), "rebuilt index has the same entries");
            for (long o = 0; o < 120; o++) {
                RecordBatch b = log.read(o, 1, Long.MAX_VALUE, true).records().batches().iterator().next();
                assertTrue(b.baseOffset() <= o && o <= b.lastOffset(), "offset " + o);
            }
        }
    }

    @Test
    void followerAppendKeepsOffsetsAndRequiresContiguity() {
        try (PartitionLog leader = PartitionLog.open(tmp.resolve("leader"), TP, config(Map.of()), true, clock);
             PartitionLog follower = PartitionLog.open(tmp.resolve("follower"), TP, config(Map.of()), true, clock)) {
            leader.append(batch("a", 3), 7, true);
            leader.append(batch("b", 2), 8, true);
            Records fetched = leader.read(0, 1 << 20, Long.MAX_VALUE, true).records();
            ByteBuffer buf = ByteBuffer.allocate(fetched.sizeInBytes());
            fetched.batches().forEach(b -> b.writeTo(buf));
            buf.flip();
            follower.appendAsFollower(MemoryRecords.readableRecords(buf.duplicate()));
            assertEquals(5, follower.logEndOffset());
            assertEquals(new EpochEndOffset(7, 3), follower.endOffsetForEpoch(7));
            assertThrows(InvalidRecordException.class, () -> follower.appendAsFollower(MemoryRecords.readableRecords(buf.duplicate())));
            assertEquals(5, follower.logEndOffset());
            assertArrayEquals(readAll(leader).toArray(), readAll(follower).toArray());
        }
    }
}
