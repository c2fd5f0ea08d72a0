package io.sluice.metadata.kraft;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * The {@code meta.properties} file that marks a formatted storage directory, in Kafka's format
 * (java Properties with {@code cluster.id}, {@code node.id}, {@code version=1}, and since KIP-858 a
 * {@code directory.id} of its own) so Kafka's tools and operators read it as they would Kafka's own:
 * kafka-metadata-quorum add-controller reads the controller's directory id from it. The directory id is
 * not part of a directory's identity here (two formats of one node and cluster are the same), so it is
 * read apart ({@link #directoryId}).
 */
public record MetaProperties(String clusterId, int nodeId) {
    public static final String FILE_NAME = "meta.properties";
    private static final String VERSION = "1";

    /**
     * Formats a storage directory: writes {@code meta.properties}. Formatting again with the same
     * values is a no-op (so a single node can format itself on every start); different values are refused.
     */
    public static void format(Path dir, String clusterId, int nodeId) {
        format(dir, clusterId, nodeId, Uuid.randomUuid().toString());
    }

    /** As {@link #format(Path, String, int)}, with the directory id a new file gets. */
    public static void format(Path dir, String clusterId, int nodeId, String directoryId) {
        MetaProperties wanted = new MetaProperties(clusterId, nodeId);
        Optional<MetaProperties> existing = read(dir);
        if (existing.isPresent()) {
            existing.get().requireSame(wanted, dir);
        } else {
            wanted.write(dir, directoryId);
        }
    }

    /** The directory's {@code directory.id} (a Kafka Uuid), if it was formatted with one. */
    public static Optional<String> directoryId(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.ofNullable(load(file).getProperty("directory.id")).map(String::trim);
    }

    private static Properties load(Path file) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        return props;
    }

    public static Optional<MetaProperties> read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties props = load(file);
        String version = props.getProperty("version");
        String clusterId = props.getProperty("cluster.id");
        String nodeId = props.getProperty("node.id");
        if (!VERSION.equals(version) || clusterId == null || nodeId == null) {
            throw new IllegalStateException(file + " is not a version 1 meta.properties with cluster.id and node.id: "
                    + props);
        }
        try {
            return Optional.of(new MetaProperties(clusterId, Integer.parseInt(nodeId.trim())));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " has a non-numeric node.id '" + nodeId + "'", e);
        }
    }

    /** Writes the file durably with a new directory id. */
    public void write(Path dir) {
        write(dir, Uuid.randomUuid().toString());
    }

    /** Writes the file durably: a crash leaves either no file or a whole one, never half of one. */
    public void write(Path dir, String directoryId) {
        Path file = dir.resolve(FILE_NAME);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Properties props = new Properties();
        props.setProperty("cluster.id", clusterId);
        props.setProperty("node.id", Integer.toString(nodeId));
        props.setProperty("version", VERSION);
        props.setProperty("directory.id", directoryId);
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, null);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** Refuses to run on storage formatted for another cluster or node, naming both values. */
    public void requireSame(MetaProperties expected, Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!clusterId.equals(expected.clusterId)) {
            throw new IllegalStateException("Cluster id mismatch: " + file + " has cluster.id " + clusterId
                    + " but this node expects " + expected.clusterId);
        }
        if (nodeId != expected.nodeId) {
            throw new IllegalStateException("Node id mismatch: " + file + " has node.id " + nodeId
                    + " but this node is configured with node.id " + expected.nodeId);
        }
    }
}
