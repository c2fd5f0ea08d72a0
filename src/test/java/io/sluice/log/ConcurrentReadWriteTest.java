package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentReadWriteTest {
    private static final int BATCHES = 10_000;
    @TempDir
    Path tmp;

    @Test
    void readerAlwaysSeesAValidContiguousPrefix() throws Exception {
        LogConfig cfg = config(Map.of("segment.bytes", 64 * 1024, "index.interval.bytes", 512, "segment.index.bytes", 64 * 1024));
        try (PartitionLog log = PartitionLog.open(tmp.resolve("c-0"), TP, cfg, true, new LogTestSupport.MutableClock(0))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < BATCHES; i++) log.append(LogTestSupport.batch("w" + i, 1 + i % 3), 0, true);
            });
            long total = 0;
            for (int i = 0; i < BATCHES; i++) total += 1 + i % 3;
            long next = 0;
            int reads = 0;
            while (next < total) {
                long end = log.logEndOffset();
                FetchResult r = log.read(next, 8 * 1024, Long.MAX_VALUE, true);
                reads++;
                long expected = next;
                for (RecordBatch b : r.records().batches()) {
                    b.ensureValid();
                    if (expected == next) {
                        assertEquals(true, b.baseOffset() <= next && next <= b.lastOffset(), "first batch holds the fetch offset");
                    } else {
                        assertEquals(expected, b.baseOffset(), "batches are contiguous");
                    }
                    for (Record rec : b) {
                        if (rec.offset() >= expected) assertEquals(expected++, rec.offset());
                    }
                    expected = b.nextOffset();
                }
                assertEquals(true, expected <= Math.max(end, r.logEndOffset()), "never beyond the published log end");
                if (writer.isCompletedExceptionally()) writer.join();
                next = expected;
            }
            writer.get(60, TimeUnit.SECONDS);
            assertEquals(total, log.logEndOffset());
            assertEquals(true, reads > 1);
        }
    }
}
