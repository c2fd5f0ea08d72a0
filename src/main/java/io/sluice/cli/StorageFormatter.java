package io.sluice.cli;

import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.MetadataMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * kafka-storage's format semantics on Sluice's {@code meta.properties}: every log directory and the
 * metadata log directory get the same cluster and node id. All directories are checked before any
 * is written, so a refused format changes nothing.
 */
final class StorageFormatter {
    /** What happened to one directory. */
    record Outcome(Path dir, boolean written) {}

    private final BrokerConfig config;
    private final String clusterId;
    private final boolean ignoreFormatted;
    private final boolean standalone;

    StorageFormatter(BrokerConfig config, String clusterId, boolean ignoreFormatted, boolean standalone) {
        this.config = config;
        this.clusterId = clusterId;
        this.ignoreFormatted = ignoreFormatted;
        this.standalone = standalone;
    }

    List<Outcome> format() {
        validate();
        int nodeId = config.nodeId();
        MetaProperties wanted = new MetaProperties(clusterId, nodeId);
        List<Path> toWrite = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (Path dir : directories()) {
            Optional<MetaProperties> existing = readMeta(dir);
            if (existing.isEmpty()) {
                toWrite.add(dir);
                continue;
            }
            MetaProperties found = existing.get();
            // Another cluster's (or node's) data is refused even with --ignore-formatted: the
            // broker would refuse to start on the mix, and the operator almost surely mistyped.
            if (!found.equals(wanted)) {
                throw new CliException("Log directory " + dir + " is already formatted for cluster "
                        + found.clusterId() + " (node " + found.nodeId() + "), not cluster " + clusterId
                        + " (node " + nodeId + "); refusing to format. Remove the directory's contents or use that cluster id.");
            }
            if (!ignoreFormatted) {
                throw new CliException("Log directory " + dir + " is already formatted. "
                        + "Use --ignore-formatted to ignore this directory and format the others.");
            }
            outcomes.add(new Outcome(dir, false));
        }
        for (Path dir : toWrite) {
            MetaProperties.format(dir, clusterId, nodeId);
            outcomes.add(new Outcome(dir, true));
        }
        return outcomes;
    }

    private void validate() {
        try {
            Uuid parsed = Uuid.fromString(clusterId);
            if (parsed.equals(Uuid.ZERO_UUID) || parsed.equals(Uuid.METADATA_TOPIC_ID)) {
                throw new CliException("Cluster ID " + clusterId + " is reserved; generate one with `sluice storage random-uuid`");
            }
        } catch (IllegalArgumentException e) {
            throw new CliException("Cluster ID string " + clusterId + " does not appear to be a valid UUID: "
                    + e.getMessage() + " (generate one with `sluice storage random-uuid`)");
        }
        if (config.metadataMode() != MetadataMode.KRAFT) {
            throw new CliException("storage format is for kraft mode: the configuration must set process.roles "
                    + "(ZooKeeper-mode brokers keep their metadata in ZooKeeper and need no formatting)");
        }
        if (config.nodeId() < 0) {
            throw new CliException("The configuration must set node.id");
        }
        config.clusterId().filter(id -> !id.equals(clusterId)).ifPresent(id -> {
            throw new CliException("The configuration sets cluster.id=" + id + " but the cluster id to format with is "
                    + clusterId + "; the broker would refuse to start on this storage");
        });
        if (standalone) {
            if (!config.processRoles().contains("controller")) {
                throw new CliException("--standalone formats this node as the only controller, "
                        + "but its process.roles (" + String.join(",", config.processRoles()) + ") has no controller role");
            }
            List<String> voters = config.getList("controller.quorum.voters");
            boolean onlySelf = voters.stream().allMatch(v -> v.startsWith(config.nodeId() + "@"));
            if (!onlySelf) {
                throw new CliException("--standalone makes this node the only voter, but controller.quorum.voters lists "
                        + String.join(",", voters));
            }
        }
    }

    /** The log directories and the metadata log directory, each once, metadata first (as Kafka does). */
    private Set<Path> directories() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(Path.of(config.metadataLogDir()).toAbsolutePath().normalize());
        for (String dir : config.logDirs()) {
            dirs.add(Path.of(dir).toAbsolutePath().normalize());
        }
        return dirs;
    }

    private static Optional<MetaProperties> readMeta(Path dir) {
        try {
            return MetaProperties.read(dir);
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage() + "; refusing to format over it");
        }
    }
}
