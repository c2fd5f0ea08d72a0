package io.sluice.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's {@code replication-offset-checkpoint} in a log dir: the high watermark of each partition
 * there, as {@code topic partition offset} lines, so a restarted broker serves what was committed
 * before its followers report back.
 */
public final class HighWatermarkCheckpoint {
    public static final String FILE_NAME = "replication-offset-checkpoint";

    private final CheckpointFile file;

    public HighWatermarkCheckpoint(Path logDir) {
        this.file = new CheckpointFile(logDir.resolve(FILE_NAME));
    }

    /** The checkpointed high watermarks; empty when there is no file. A malformed file is an IOException. */
    public Map<TopicPartition, Long> read() throws IOException {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (String line : file.read()) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 3) {
                throw new IOException("Malformed high watermark entry: " + line);
            }
            try {
                out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new IOException("Malformed high watermark entry: " + line, e);
            }
        }
        return out;
    }

    public void write(Map<TopicPartition, Long> highWatermarks) throws IOException {
        List<String> lines = new ArrayList<>();
        highWatermarks.forEach((tp, offset) -> lines.add(tp.topic() + " " + tp.partition() + " " + offset));
        file.write(lines);
    }
}
