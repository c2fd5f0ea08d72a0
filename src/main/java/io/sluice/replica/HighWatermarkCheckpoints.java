package io.sluice.replica;

import io.sluice.log.HighWatermarkCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The high watermarks of this broker's partitions, checkpointed per log dir every
 * replica.high.watermark.checkpoint.interval.ms and at shutdown, and read back at start: a restarted
 * leader then serves what was committed at once instead of from its log start until its followers
 * report. A lost or unreadable checkpoint only makes the high watermark start low (never too high:
 * it is capped by the log end).
 */
final class HighWatermarkCheckpoints {
    private static final Logger LOG = Logger.getLogger(HighWatermarkCheckpoints.class);

    private final List<Path> logDirs;
    private final Map<TopicPartition, Long> loaded = new HashMap<>();

    HighWatermarkCheckpoints(List<Path> logDirs) {
        this.logDirs = List.copyOf(logDirs);
        for (Path dir : this.logDirs) {
            try {
                loaded.putAll(new HighWatermarkCheckpoint(dir).read());
            } catch (IOException e) {
                LOG.warnf(e, "Ignoring the unreadable high watermark checkpoint in %s", dir);
            }
        }
    }

    /** The high watermark checkpointed for tp at start, or -1. */
    long loaded(TopicPartition tp) {
        return loaded.getOrDefault(tp, -1L);
    }

    /** Writes every log dir's checkpoint from the partitions' current high watermarks. */
    synchronized void write(Collection<Partition> partitions) {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        logDirs.forEach(dir -> byDir.put(dir.toAbsolutePath().normalize(), new HashMap<>()));
        for (Partition p : partitions) {
            Path dir = p.log().directory().toAbsolutePath().normalize().getParent();
            byDir.computeIfAbsent(dir, d -> new HashMap<>()).put(p.topicPartition(), p.highWatermark());
        }
        byDir.forEach((dir, highWatermarks) -> {
            try {
                new HighWatermarkCheckpoint(dir).write(highWatermarks);
            } catch (IOException e) {
                LOG.warnf(e, "Cannot write the high watermark checkpoint in %s", dir);
            }
        });
    }
}
