package io.sluice.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builders and readers shared by the log tests. */
final class LogTestSupport {
    static final TopicPartition TP = new TopicPartition("orders-eu", 3);

    private LogTestSupport() {}

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static LogConfig config(Map<String, Object> overrides) {
        Map<String, Object> m = new java.util.HashMap<>(Map.of("segment.index.bytes", 4096));
        m.putAll(overrides);
        return LogConfig.fromMap(m);
    }

    /** One batch of n records with values "prefix-i" and the given timestamp. */
    static MemoryRecords batch(Compression compression, String prefix, int n, long timestamp) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) records[i] = new SimpleRecord(timestamp, ("k" + i).getBytes(StandardCharsets.UTF_8),
                (prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withRecords(compression, records);
    }

    static MemoryRecords batch(String prefix, int n) {
        return batch(Compression.NONE, prefix, n, 1_000L);
    }

    static MemoryRecords idempotent(long producerId, short epoch, int baseSeq, int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) records[i] = new SimpleRecord(("p" + producerId + "-s" + (baseSeq + i)).getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, epoch, baseSeq, records);
    }

    record Rec(long offset, String value) {}

    /** Every record from the log start to the log end, fetched the way a consumer does. */
    static List<Rec> readAll(PartitionLog log) {
        List<Rec> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            FetchResult r = log.read(next, 1 << 20, Long.MAX_VALUE, true);
            boolean progressed = false;
            for (RecordBatch b : r.records().batches()) {
                b.ensureValid();
                for (Record rec : b) {
                    if (rec.offset() >= next) out.add(new Rec(rec.offset(), value(rec)));
                }
                next = b.nextOffset();
                progressed = true;
            }
            if (!progressed) throw new AssertionError("read at " + next + " returned nothing before the log end");
        }
        return out;
    }

    static String value(Record r) {
        byte[] b = new byte[r.valueSize()];
        r.value().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }

    static List<Path> filesUnchecked(Path dir, String suffix) {
        try {
            return files(dir, suffix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
