package io.sluice.log;

import static io.sluice.log.LogTestSupport.batch;
import static io.sluice.log.LogTestSupport.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogManagerTest {
    @TempDir
    Path tmp;
    final LogTestSupport.MutableClock clock = new LogTestSupport.MutableClock(1_000L);
    final LogConfig cfg = config(Map.of());

    private LogManager manager(Path... dirs) {
        return new LogManager(List.of(dirs), clock, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    @Test
    void dirNamesSplitAtTheLastDash() {
        assertEquals(Optional.of(new TopicPartition("my-topic-v2", 17)), LogManager.parseDirName("my-topic-v2-17"));
        assertEquals(Optional.empty(), LogManager.parseDirName("topic-x"));
        assertEquals(Optional.empty(), LogManager.parseDirName("noDash"));
        assertEquals(Optional.empty(), LogManager.parseDirName("t-0.abc-delete"));
    }

    @Test
    void cleanShutdownMarkerIsWrittenAndConsumedAndLogsReload() throws Exception {
        Path d1 = tmp.resolve("d1"), d2 = tmp.resolve("d2");
        LogManager m = manager(d1, d2);
        m.loadAll(tp -> cfg);
        m.startup();
        TopicPartition a = new TopicPartition("a-b", 0), b = new TopicPartition("a-b", 1);
        m.getOrCreate(a, cfg).append(batch("x", 3), 0, true);
        m.getOrCreate(b, cfg).append(batch("y", 2), 0, true);
        assertTrue(Files.isDirectory(d1.resolve("a-b-0")) != Files.isDirectory(d2.resolve("a-b-0")), "one dir per partition");
        assertTrue(Files.exists(d1.resolve("a-b-0")) || Files.exists(d1.resolve("a-b-1")));
        assertTrue(Files.exists(d2.resolve("a-b-0")) || Files.exists(d2.resolve("a-b-1")), "partitions spread over dirs");
        m.shutdown();
        assertTrue(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE)));
        assertTrue(Files.exists(d2.resolve(LogManager.CLEAN_SHUTDOWN_FILE)));

        LogManager again = manager(d1, d2);
        again.loadAll(tp -> cfg);
        assertFalse(Files.exists(d1.resolve(LogManager.CLEAN_SHUTDOWN_FILE)), "marker removed so a crash is detected");
        assertEquals(3, again.get(a).orElseThrow().logEndOffset());
        assertEquals(2, again.get(b).orElseThrow().logEndOffset());
        again.delete(a);
        assertTrue(again.get(a).isEmpty());
        assertFalse(Files.exists(d1.resolve("a-b-0")) || Files.exists(d2.resolve("a-b-0")));
        again.shutdown();
    }

    @Test
    void withoutTheMarkerATornTailIsRecovered() throws Exception {
        Path d = tmp.resolve("d");
        LogManager m = manager(d);
        m.loadAll(tp -> cfg);
        TopicPartition tp = new TopicPartition("t", 0);
        PartitionLog log = m.getOrCreate(tp, cfg);
        log.append(batch("x", 3), 0, true);
        log.append(batch("y", 3), 0, true);
        m.shutdown();
        // Simulate a crash after the marker was consumed: remove it and tear the last batch.
        Files.delete(d.resolve(LogManager.CLEAN_SHUTDOWN_FILE));
        Path segment = LogTestSupport.files(d.resolve("t-0"), ".log").get(0);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        LogManager after = manager(d);
        after.loadAll(x -> cfg);
        assertEquals(3, after.get(tp).orElseThrow().logEndOffset());
        after.shutdown();
    }
}
