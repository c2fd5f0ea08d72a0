package io.sluice.log;

import static io.sluice.log.LogTestSupport.TP;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Producer id expiry on real log files: the last write's timestamp survives a snapshot, and a log reopened after an
 * unclean stop (producer state replayed from the log) forgets producers that expired meanwhile.
 */
class ProducerExpiryOnLoadTest {
    private static final long PID = 77L;
    private static final long EXPIRATION_MS = 10_000;
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000_000L);
    final LogConfig cfg = config(Map.of());

    private static MemoryRecords idempotentAt(long timestamp, int baseSeq) {
        SimpleRecord r = new SimpleRecord(timestamp, null, ("s" + baseSeq).getBytes(StandardCharsets.UTF_8));
        return MemoryRecords.withIdempotentRecords(Compression.NONE, PID, (short) 0, baseSeq, r);
    }

    private LogManager manager(Path dir) {
        return new LogManager(List.of(dir), clock, Long.MAX_VALUE, Long.MAX_VALUE, CleanerSettings.defaults(),
                new ProducerIdExpiry(EXPIRATION_MS, Long.MAX_VALUE));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private List<Long> producerIds(PartitionLog log) {
        return log.activeProducers().stream().map(ActiveProducer::producerId).toList();
    }

    @Test
    void lastWriteTimeSurvivesASnapshot() {
        long written = clock.millis();
        try (PartitionLog log = PartitionLog.open(tmp.resolve("p-0"), TP, cfg, true, clock)) {
            log.append(idempotentAt(written, 0), 0, true);
        }
        try (PartitionLog log = PartitionLog.open(tmp.resolve("p-0"), TP, cfg, true, clock)) {
            log.removeExpiredProducers(written + EXPIRATION_MS - 1, EXPIRATION_MS);
            assertEquals(List.of(PID), producerIds(log), "not yet idle for the whole expiration");
            log.removeExpiredProducers(written + EXPIRATION_MS, EXPIRATION_MS);
            assertEquals(List.of(), producerIds(log));
        }
        try (PartitionLog log = PartitionLog.open(tmp.resolve("p-0"), TP, cfg, true, clock)) {
            assertEquals(List.of(), producerIds(log), "the snapshot taken on close no longer holds it");
        }
    }

    @Test
    void uncleanRestartForgetsProducersThatExpiredMeanwhile() throws Exception {
        Path live = tmp.resolve("live");
        LogManager m = manager(live);
        m.loadAll(tp -> cfg);
        m.getOrCreate(TP, cfg).append(idempotentAt(clock.millis(), 0), 0, true);
        Path crashed = tmp.resolve("crashed");
        copyTree(live, crashed); // the files as a crash leaves them: no clean-shutdown marker
        Path fresh = tmp.resolve("fresh");
        copyTree(live, fresh);
        m.shutdown();

        LogManager soon = manager(fresh);
        soon.loadAll(tp -> cfg);
        assertEquals(List.of(PID), producerIds(soon.get(TP).orElseThrow()), "replay brings the producer back");
        soon.shutdown();

        clock.advance(EXPIRATION_MS);
        LogManager later = manager(crashed);
        later.loadAll(tp -> cfg);
        assertEquals(List.of(), producerIds(later.get(TP).orElseThrow()));
        later.shutdown();
    }
}
