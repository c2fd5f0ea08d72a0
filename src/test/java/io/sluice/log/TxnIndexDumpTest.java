package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.KafkaTools;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's own DumpLogSegments reads the aborted-transaction index and the markers Sluice writes. */
class TxnIndexDumpTest {
    @TempDir
    Path tmp;

    /** Resolving Kafka's tools may download them on a fresh machine: outside the tests' time limits. */
    @BeforeAll
    static void resolveKafkaTools() throws Exception {
        KafkaTools.classpath();
    }

    @Test
    void kafkasDumpLogSegmentsReadsTheTxnIndex() throws Exception {
        Path dir = tmp.resolve("p-0");
        try (PartitionLog log = PartitionLog.open(dir, TP, config(Map.of()), true, new LogTestSupport.MutableClock(1_000L))) {
            log.append(TransactionStateTest.txn(77L, 0, 3), 0, true);                           // 0..2
            log.appendAsCoordinator(TransactionStateTest.marker(77L, ControlRecordType.ABORT), 0); // 3
        }
        KafkaTools.Result dump = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments",
                List.of("--files", LogFiles.txnIndex(dir, 0) + "," + LogFiles.log(dir, 0)), 120);
        assertEquals(0, dump.exitCode(), dump::all);
        assertTrue(dump.stdout().contains("version: 0 producerId: 77 firstOffset: 0 lastOffset: 3 lastStableOffset: 4"),
                dump::all);
        assertTrue(dump.stdout().contains("baseOffset: 3 lastOffset: 3 count: 1") && dump.stdout().contains("isControl: true"),
                dump::all);
    }
}
