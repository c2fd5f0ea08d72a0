package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open transactions, the last stable offset and the aborted-transaction index (.txnindex) of a partition log. */
class TransactionStateTest {
    private static final long A = 1001L, B = 2002L;
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000L);
    final LogConfig cfg = config(Map.of("segment.bytes", 100_000));

    private PartitionLog open(boolean clean) {
        return PartitionLog.open(tmp.resolve("p-0"), TP, cfg, clean, clock);
    }

    static MemoryRecords txn(long pid, int baseSeq, int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) records[i] = new SimpleRecord(1_000L, null, ("v" + i).getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withTransactionalRecords(Compression.NONE, pid, (short) 0, baseSeq, records);
    }

    static MemoryRecords marker(long pid, ControlRecordType type) {
        return MemoryRecords.withEndTransactionMarker(pid, (short) 0, new EndTransactionMarker(type, 0));
    }

    @Test
    void lastStableOffsetStopsAtTheOldestOpenTransaction() {
        try (PartitionLog log = open(true)) {
            log.append(LogTestSupport.batch("plain", 3), 0, true);                 // 0..2
            log.append(txn(A, 0, 2), 0, true);                                    // 3..4
            log.append(txn(B, 0, 2), 0, true);                                    // 5..6
            assertEquals(3, log.lastStableOffset(log.logEndOffset()));
            assertEquals(2, log.lastStableOffset(2), "capped by the high watermark");
            log.appendAsCoordinator(marker(A, ControlRecordType.COMMIT), 0);       // 7
            assertEquals(5, log.lastStableOffset(log.logEndOffset()));
            log.appendAsCoordinator(marker(B, ControlRecordType.ABORT), 0);        // 8
            assertEquals(9, log.lastStableOffset(log.logEndOffset()));
            assertEquals(List.of(new AbortedTransaction(B, 5, 8, 9)), log.abortedTransactions(0, 9));
            assertEquals(List.of(), log.abortedTransactions(9, 9), "nothing aborted at or after 9");
            assertEquals(List.of(), log.abortedTransactions(0, 5), "B starts at 5, outside [0, 5)");
        }
    }

    @Test
    void coordinatorSequencesAreNotChecked() {
        try (PartitionLog log = open(true)) {
            SimpleRecord r = new SimpleRecord(1_000L, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
            log.appendAsCoordinator(MemoryRecords.withTransactionalRecords(Compression.NONE, A, (short) 0,
                    0, r), 0);
            log.appendAsCoordinator(MemoryRecords.withTransactionalRecords(Compression.NONE, A, (short) 0,
                    0, r), 0);
            assertEquals(0, log.lastStableOffset(log.logEndOffset()));
            log.appendAsCoordinator(marker(A, ControlRecordType.COMMIT), 0);
            assertEquals(3, log.lastStableOffset(log.logEndOffset()));
        }
    }

    @Test
    void clientsCannotWriteMarkers() {
        try (PartitionLog log = open(true)) {
            assertThrows(InvalidRecordException.class, () -> log.append(marker(A, ControlRecordType.COMMIT), 0, true));
            assertEquals(0, log.logEndOffset());
        }
    }

    @Test
    void txnIndexUsesKafkasEntryFormat() throws Exception {
        try (PartitionLog log = open(true)) {
            log.append(txn(A, 0, 4), 0, true);
            log.appendAsCoordinator(marker(A, ControlRecordType.ABORT), 0);
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(LogFiles.txnIndex(tmp.resolve("p-0"), 0)));
        assertEquals(34, buf.remaining());
        assertEquals(0, buf.getShort());
        assertEquals(A, buf.getLong());
        assertEquals(0, buf.getLong());
        assertEquals(4, buf.getLong());
        assertEquals(5, buf.getLong());
    }

    @Test
    void openAndAbortedStateSurvivesCleanAndUncleanRestarts() throws Exception {
        try (PartitionLog log = open(true)) {
            log.append(txn(A, 0, 2), 0, true);                                    // 0..1
            log.appendAsCoordinator(marker(A, ControlRecordType.ABORT), 0);        // 2
            log.append(txn(B, 0, 3), 0, true);                                    // 3..5 open
        }
        try (PartitionLog log = open(true)) { // from the snapshot
            assertEquals(3, log.lastStableOffset(log.logEndOffset()));
            assertEquals(List.of(new AbortedTransaction(A, 0, 2, 3)), log.abortedTransactions(0, 6));
        }
        List<Path> derived;
        try (var files = Files.list(tmp.resolve("p-0"))) {
            derived = files.filter(f -> f.toString().endsWith(".snapshot") || f.toString().endsWith(".txnindex")).toList();
        }
        for (Path f : derived) Files.delete(f);
        try (PartitionLog log = open(false)) { // replayed from the log alone
            assertEquals(3, log.lastStableOffset(log.logEndOffset()));
            assertEquals(List.of(new AbortedTransaction(A, 0, 2, 3)), log.abortedTransactions(0, 6));
            log.appendAsCoordinator(marker(B, ControlRecordType.COMMIT), 0);
            assertEquals(7, log.lastStableOffset(log.logEndOffset()));
        }
    }

    @Test
    void truncationReopensATransactionWhoseMarkerIsGone() {
        try (PartitionLog log = open(true)) {
            log.append(txn(A, 0, 2), 0, true);                                    // 0..1
            log.appendAsCoordinator(marker(A, ControlRecordType.ABORT), 0);        // 2
            assertTrue(log.abortedTransactions(0, 3).size() == 1);
            log.truncateTo(2);
            assertEquals(0, log.lastStableOffset(log.logEndOffset()));
            assertEquals(List.of(), log.abortedTransactions(0, 2));
        }
    }
}
