package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static io.sluice.log.LogTestSupport.idempotent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotenceTest {
    private static final long PID = 4242L;
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000L);
    final LogConfig cfg = config(Map.of("segment.bytes", 500));

    private PartitionLog open(boolean clean) {
        return PartitionLog.open(tmp.resolve("p-0"), TP, cfg, clean, clock);
    }

    @Test
    void retriedBatchGetsItsOriginalOffsetsAndIsNotAppendedAgain() {
        try (PartitionLog log = open(true)) {
            log.append(LogTestSupport.batch("other", 2), 0, true);
            LogAppendResult first = log.append(idempotent(PID, (short) 0, 0, 3), 0, true);
            LogAppendResult second = log.append(idempotent(PID, (short) 0, 3, 2), 0, true);
            long size = log.sizeInBytes();
            LogAppendResult retry = log.append(idempotent(PID, (short) 0, 0, 3), 0, true);
            assertTrue(retry.duplicate());
            assertEquals(first.firstOffset(), retry.firstOffset());
            assertEquals(first.lastOffset(), retry.lastOffset());
            assertEquals(size, log.sizeInBytes());
            assertEquals(7, log.logEndOffset());
            assertTrue(log.append(idempotent(PID, (short) 0, 3, 2), 0, true).duplicate());
            assertFalse(second.duplicate());
        }
    }

    @Test
    void sequenceGapsAndEpochRulesAreEnforced() {
        try (PartitionLog log = open(true)) {
            // An unknown producer is accepted at any sequence (Kafka 2.5+).
            assertEquals(0, log.append(idempotent(PID, (short) 2, 17, 2), 0, true).firstOffset());
            assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(PID, (short) 2, 20, 1), 0, true));
            assertThrows(InvalidProducerEpochException.class, () -> log.append(idempotent(PID, (short) 1, 19, 1), 0, true));
            assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(PID, (short) 3, 5, 1), 0, true));
            assertEquals(2, log.logEndOffset());
            assertEquals(2, log.append(idempotent(PID, (short) 2, 19, 1), 0, true).firstOffset());
            assertEquals(3, log.append(idempotent(PID, (short) 3, 0, 1), 0, true).firstOffset());
            assertThrows(InvalidProducerEpochException.class, () -> log.append(idempotent(PID, (short) 2, 20, 1), 0, true));
        }
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        try (PartitionLog log = open(true)) {
            for (int i = 0; i < 7; i++) log.append(idempotent(PID, (short) 0, i, 1), 0, true);
            assertTrue(log.append(idempotent(PID, (short) 0, 2, 1), 0, true).duplicate());
            assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(PID, (short) 0, 1, 1), 0, true));
        }
    }

    @Test
    void stateSurvivesCleanReopen() {
        try (PartitionLog log = open(true)) {
            for (int i = 0; i < 20; i++) log.append(idempotent(PID, (short) 0, i * 2, 2), 0, true);
        }
        try (PartitionLog log = open(true)) {
            LogAppendResult dup = log.append(idempotent(PID, (short) 0, 38, 2), 0, true);
            assertTrue(dup.duplicate());
            assertEquals(38, dup.firstOffset());
            assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(PID, (short) 0, 41, 1), 0, true));
            assertEquals(40, log.append(idempotent(PID, (short) 0, 40, 1), 0, true).firstOffset());
        }
    }

    @Test
    void stateSurvivesUncleanReopenByReplayingTheLog() throws Exception {
        PartitionLog live = open(true);
        for (int i = 0; i < 20; i++) live.append(idempotent(PID, (short) 0, i * 2, 2), 0, true);
        Path image = tmp.resolve("crash");
        LogTestSupport.copyDir(tmp.resolve("p-0"), image);
        live.close();
        try (PartitionLog log = PartitionLog.open(image, TP, cfg, false, clock)) {
            LogAppendResult dup = log.append(idempotent(PID, (short) 0, 36, 2), 0, true);
            assertTrue(dup.duplicate());
            assertEquals(36, dup.firstOffset());
            assertThrows(OutOfOrderSequenceException.class, () -> log.append(idempotent(PID, (short) 0, 41, 1), 0, true));
        }
    }

    @Test
    void truncationForgetsTruncatedBatches() {
        try (PartitionLog log = open(true)) {
            for (int i = 0; i < 10; i++) log.append(idempotent(PID, (short) 0, i, 1), 0, true);
            log.truncateTo(8);
            assertFalse(log.append(idempotent(PID, (short) 0, 8, 1), 0, true).duplicate());
        }
    }
}
