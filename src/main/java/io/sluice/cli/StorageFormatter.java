package io.sluice.cli;

import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.metadata.kraft.QuorumBootstrap;
import io.sluice.raft.VoterSet;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ListenerConfig;
import io.sluice.server.config.MetadataMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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

    /** How the quorum starts: --standalone, --initial-controllers or --no-initial-controllers (KIP-853). */
    record Quorum(boolean standalone, Optional<String> initialControllers, boolean noInitialControllers) {
        int flagsGiven() {
            return (standalone ? 1 : 0) + (initialControllers.isPresent() ? 1 : 0) + (noInitialControllers ? 1 : 0);
        }
    }

    private final BrokerConfig config;
    private final String clusterId;
    private final boolean ignoreFormatted;
    private final Quorum quorum;

    StorageFormatter(BrokerConfig config, String clusterId, boolean ignoreFormatted, Quorum quorum) {
        this.config = config;
        this.clusterId = clusterId;
        this.ignoreFormatted = ignoreFormatted;
        this.quorum = quorum;
    }

    private boolean dynamicQuorum() {
        return config.getList("controller.quorum.voters").isEmpty()
                && !config.getList("controller.quorum.bootstrap.servers").isEmpty();
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
        Path metadataDir = directories().iterator().next();
        Optional<VoterSet> initialVoters = initialVoters();
        if (initialVoters.isPresent() && toWrite.contains(metadataDir)) {
            String ownDirectoryId = initialVoters.get().voter(nodeId).orElseThrow().directoryId();
            // The voter log first: meta.properties marks the directory formatted, so a failure in
            // between must leave it unformatted (and the command runnable again), not voterless.
            try {
                QuorumBootstrap.write(metadataDir, initialVoters.get());
            } catch (IllegalStateException | java.io.UncheckedIOException e) {
                throw new CliException("Cannot write the initial voter set to " + metadataDir + ": " + e.getMessage());
            }
            MetaProperties.format(metadataDir, clusterId, nodeId, ownDirectoryId);
        }
        for (Path dir : toWrite) {
            MetaProperties.format(dir, clusterId, nodeId);
            outcomes.add(new Outcome(dir, true));
        }
        return outcomes;
    }

    /** The initial voter set to write, for a controller formatted with --standalone or --initial-controllers. */
    private Optional<VoterSet> initialVoters() {
        if (!dynamicQuorum() || (!quorum.standalone() && quorum.initialControllers().isEmpty())) {
            return Optional.empty();
        }
        ListenerConfig listener = controllerListener();
        if (quorum.standalone()) {
            if (listener.port() == 0) {
                throw new CliException("--standalone needs a fixed port on the controller listener " + listener.name()
                        + ": the other controllers and the brokers reach this one there");
            }
            String host = listener.bindsAllInterfaces() ? "localhost" : listener.host();
            return Optional.of(new VoterSet(Map.of(config.nodeId(), QuorumBootstrap.voter(config.nodeId(),
                    Uuid.randomUuid().toString(), listener.name(), host, listener.port()))));
        }
        VoterSet set;
        try {
            set = QuorumBootstrap.parseInitialControllers(quorum.initialControllers().get(), listener.name());
        } catch (IllegalArgumentException e) {
            throw new CliException("Invalid --initial-controllers: " + e.getMessage());
        }
        if (!set.contains(config.nodeId())) {
            throw new CliException("--initial-controllers does not name this node (node.id " + config.nodeId()
                    + "); format the controllers that are not initial voters with --no-initial-controllers");
        }
        return Optional.of(set);
    }

    private ListenerConfig controllerListener() {
        String name = config.controllerListenerNames().isEmpty() ? "" : config.controllerListenerNames().get(0);
        return config.listeners().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new CliException("The controller listener " + name + " is not in listeners"));
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
        if (quorum.flagsGiven() > 1) {
            throw new CliException("Only one of --standalone, --initial-controllers and --no-initial-controllers may be given");
        }
        boolean controller = config.processRoles().contains("controller");
        if (dynamicQuorum() && controller && quorum.flagsGiven() == 0) {
            throw new CliException("Because controller.quorum.voters is not set on this controller, you must specify "
                    + "one of the following: --standalone, --initial-controllers, or --no-initial-controllers.");
        }
        if (!dynamicQuorum() && (quorum.initialControllers().isPresent() || quorum.noInitialControllers())) {
            throw new CliException("You cannot specify controller.quorum.voters and format the node with "
                    + "--initial-controllers or --no-initial-controllers. To use a dynamic quorum, remove "
                    + "controller.quorum.voters and set controller.quorum.bootstrap.servers instead.");
        }
        if (!controller && quorum.flagsGiven() > 0 && !quorum.noInitialControllers()) {
            throw new CliException("--standalone and --initial-controllers format a controller, but process.roles ("
                    + String.join(",", config.processRoles()) + ") has no controller role");
        }
        if (quorum.standalone()) {
            if (!controller) {
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
