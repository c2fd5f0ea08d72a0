package io.sluice.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * {@code cleaner-offset-checkpoint} of one log dir: per partition, the offset below which its log is clean (every
 * key appears at most once there, apart from what newer cleanings have yet to remove). Kafka's text checkpoint
 * format: {@code 0}, the count, then {@code topic partition offset} lines. Thread-safe: cleaner threads share it.
 */
final class CleanerCheckpoint {
    static final String FILE_NAME = "cleaner-offset-checkpoint";

    private final CheckpointFile file;
    private final Map<TopicPartition, Long> offsets = new HashMap<>();

    /** Reads the file; a malformed one is logged by the caller and treated as empty (cleaning from the start is safe). */
    CleanerCheckpoint(Path logDir) throws IOException {
        this.file = new CheckpointFile(logDir.resolve(FILE_NAME));
        for (String line : file.read()) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 3) throw new IOException("Malformed line in " + logDir.resolve(FILE_NAME) + ": " + line);
            try {
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw new IOException("Malformed line in " + logDir.resolve(FILE_NAME) + ": " + line, e);
            }
        }
    }

    synchronized Long get(TopicPartition tp) {
        return offsets.get(tp);
    }

    synchronized Map<TopicPartition, Long> all() {
        return Map.copyOf(offsets);
    }

    /** Records the clean offset of tp and rewrites the file (atomically: temp file, fsync, rename). */
    synchronized void update(TopicPartition tp, long offset) throws IOException {
        offsets.put(tp, offset);
        write();
    }

    /** Forgets a partition (its log was deleted or moved). */
    synchronized void remove(TopicPartition tp) throws IOException {
        if (offsets.remove(tp) != null) write();
    }

    private void write() throws IOException {
        List<String> lines = new ArrayList<>(offsets.size());
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet())
            lines.add(e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue());
        file.write(lines);
    }
}
