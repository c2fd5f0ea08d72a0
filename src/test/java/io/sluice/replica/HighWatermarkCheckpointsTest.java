package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.log.HighWatermarkCheckpoint;
import io.sluice.log.LogConfig;
import io.sluice.log.PartitionLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** High watermarks survive a restart through replication-offset-checkpoint, within the log's bounds. */
class HighWatermarkCheckpointsTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path logDir;

    @Test
    void aRestartedLeaderStartsFromItsCheckpointedHighWatermarkCappedByItsLogEnd() throws Exception {
        try (PartitionLog log = PartitionLog.open(logDir.resolve("t-0"), TP, LogConfig.defaults(), true, Clock.systemUTC())) {
            for (int i = 0; i < 10; i++) {
                log.append(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("r" + i).getBytes())), 0, true);
            }
            // Alone in its ISR, the leader's high watermark is its log end.
            Partition alone = partition(log, List.of(1), -1);
            assertEquals(10, alone.highWatermark());
            new HighWatermarkCheckpoints(List.of(logDir)).write(List.of(alone));
            assertEquals(Map.of(TP, 10L), new HighWatermarkCheckpoint(logDir).read());

            HighWatermarkCheckpoints reloaded = new HighWatermarkCheckpoints(List.of(logDir));
            assertEquals(10, reloaded.loaded(TP));
            // With followers that have not fetched yet, the checkpoint is what the leader can vouch for.
            assertEquals(10, partition(log, List.of(1, 2), reloaded.loaded(TP)).highWatermark());
            assertEquals(0, partition(log, List.of(1, 2), -1).highWatermark());
            assertEquals(10, partition(log, List.of(1, 2), 500).highWatermark(), "never above the log end");
        }
    }

    @Test
    void anUnreadableCheckpointIsIgnored() throws Exception {
        Files.writeString(logDir.resolve(HighWatermarkCheckpoint.FILE_NAME), "0\n1\nnot a valid line at all\n");
        assertEquals(-1, new HighWatermarkCheckpoints(List.of(logDir)).loaded(TP));
    }

    private static Partition partition(PartitionLog log, List<Integer> isr, long checkpointed) {
        Partition.LeaderState state = new Partition.LeaderState(1, 0, List.of(1, 2), isr, 0, 1);
        return new Partition(TP, Uuid.randomUuid(), log, 1, state, tp -> { }, checkpointed, 0);
    }
}
