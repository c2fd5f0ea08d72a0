package io.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Keyed writes, reads and the compaction invariants shared by the compaction tests. */
final class CompactionSupport {
    private CompactionSupport() {}

    /** A record as a consumer sees it; value null for a tombstone. */
    record KV(long offset, String key, String value) {}

    static MemoryRecords keyed(Compression compression, long timestamp, String... keyValues) {
        SimpleRecord[] records = new SimpleRecord[keyValues.length / 2];
        for (int i = 0; i < records.length; i++) {
            String v = keyValues[2 * i + 1];
            records[i] = new SimpleRecord(timestamp, keyValues[2 * i].getBytes(StandardCharsets.UTF_8),
                    v == null ? null : v.getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(compression, records);
    }

    static MemoryRecords keyed(long timestamp, String... keyValues) {
        return keyed(Compression.NONE, timestamp, keyValues);
    }

    /** Appends rounds x keys overwrites, one batch per round: key ki gets value "r<round>-ki". Returns what was written. */
    static List<KV> overwrite(PartitionLog log, Compression compression, int rounds, int keys, long timestamp) {
        List<KV> written = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            String[] kv = new String[2 * keys];
            for (int k = 0; k < keys; k++) {
                kv[2 * k] = "k" + k;
                kv[2 * k + 1] = "r" + r + "-k" + k;
            }
            LogAppendResult res = log.append(keyed(compression, timestamp, kv), 0, true);
            for (int k = 0; k < keys; k++) written.add(new KV(res.firstOffset() + k, kv[2 * k], kv[2 * k + 1]));
        }
        return written;
    }

    /** Everything from the log start to the log end, read as a consumer does (whole batches, CRC checked). */
    static List<KV> readAll(PartitionLog log) {
        List<KV> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            FetchResult r = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            boolean progressed = false;
            for (RecordBatch b : r.records().batches()) {
                b.ensureValid();
                for (Record rec : b) if (rec.offset() >= next) out.add(toKV(rec));
                next = b.nextOffset();
                progressed = true;
            }
            if (!progressed) throw new AssertionError("read at " + next + " returned nothing before the log end");
        }
        return out;
    }

    static KV toKV(Record r) {
        return new KV(r.offset(), str(r.key()), r.hasValue() ? str(r.value()) : null);
    }

    private static String str(java.nio.ByteBuffer b) {
        if (b == null) return null;
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Key → its record with the highest offset. */
    static Map<String, KV> latest(List<KV> records) {
        Map<String, KV> out = new LinkedHashMap<>();
        for (KV kv : records) out.put(kv.key(), kv);
        return out;
    }

    /**
     * What a compacted read must satisfy against what was written: offsets increase and each is an original record
     * unchanged (same key and value at the same offset), and each key's latest record is there.
     */
    static void assertValidCompactionOf(List<KV> written, List<KV> read) {
        Map<Long, KV> byOffset = new HashMap<>();
        for (KV kv : written) byOffset.put(kv.offset(), kv);
        long prev = -1;
        for (KV kv : read) {
            assertTrue(kv.offset() > prev, "offsets increase: " + kv.offset() + " after " + prev);
            assertEquals(byOffset.get(kv.offset()), kv, "record at offset " + kv.offset() + " is the one written there");
            prev = kv.offset();
        }
        Map<String, KV> readLatest = latest(read);
        for (KV want : latest(written).values())
            if (want.value() != null) assertEquals(want, readLatest.get(want.key()), "latest value of " + want.key());
    }

    /** Below cleanEnd, each key appears at most once. */
    static void assertDeduplicatedBelow(List<KV> read, long cleanEnd) {
        Map<String, KV> seen = new HashMap<>();
        for (KV kv : read) {
            if (kv.offset() >= cleanEnd) continue;
            KV before = seen.put(kv.key(), kv);
            assertTrue(before == null, "key " + kv.key() + " twice below " + cleanEnd + ": " + before + ", " + kv);
        }
    }

    static LogCleaner cleaner(Path logDir, PartitionLog log, LogTestSupport.MutableClock clock) {
        return new LogCleaner(new CleanerSettings(true, 1, 15000L, 1 << 20, 4096), clock, List.of(logDir), () -> List.of(log));
    }
}
