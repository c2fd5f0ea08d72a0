package io.sluice.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Kafka's text checkpoint format: a version line ({@code 0}), a count line, then one entry per line.
 * Written to a temp file, fsynced and renamed over the old one, so a crash leaves either the old or the new file.
 */
final class CheckpointFile {
    private static final String VERSION = "0";
    private final Path file;

    CheckpointFile(Path file) {
        this.file = file;
    }

    void write(Collection<String> entries) throws IOException {
        StringBuilder sb = new StringBuilder(VERSION).append('\n').append(entries.size()).append('\n');
        for (String e : entries) sb.append(e).append('\n');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The entries, or an empty list when the file does not exist. A malformed file is an IOException: never guess. */
    List<String> read() throws IOException {
        if (!Files.exists(file)) return List.of();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(0).trim().equals(VERSION))
            throw new IOException("Malformed checkpoint " + file + ": bad version line");
        int count;
        try {
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new IOException("Malformed checkpoint " + file + ": bad count line", e);
        }
        List<String> entries = new ArrayList<>(lines.subList(2, lines.size()));
        entries.removeIf(String::isBlank);
        if (entries.size() != count)
            throw new IOException("Malformed checkpoint " + file + ": expected " + count + " entries, found " + entries.size());
        return entries;
    }

    /** A checkpoint holding a single number (log start offset, recovery point); {@code dflt} when absent. */
    long readLong(long dflt) throws IOException {
        List<String> entries = read();
        if (entries.isEmpty()) return dflt;
        try {
            return Long.parseLong(entries.get(0).trim());
        } catch (NumberFormatException e) {
            throw new IOException("Malformed checkpoint " + file, e);
        }
    }

    void writeLong(long value) throws IOException {
        write(List.of(Long.toString(value)));
    }
}
