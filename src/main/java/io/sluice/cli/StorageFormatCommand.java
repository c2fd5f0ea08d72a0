package io.sluice.cli;

import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice storage format -t <cluster-id> -c server.properties}: writes meta.properties like kafka-storage format. */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = {"Format the log directories and the metadata log directory of a node for a cluster.",
                "The configuration is read like `sluice serve` reads it: the file, then KAFKA_* environment variables."})
public class StorageFormatCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-t", "--cluster-id"}, required = true, paramLabel = "<cluster-id>",
            description = "The cluster id (see `sluice storage random-uuid`).")
    String clusterId;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "<server.properties>",
            description = "The broker's properties file.")
    Path configFile;

    @Option(names = {"-g", "--ignore-formatted"},
            description = "Skip directories already formatted for this cluster and node instead of failing.")
    boolean ignoreFormatted;

    @Option(names = {"-s", "--standalone"},
            description = "Format this node as the only controller of the quorum (it must have the controller role).")
    boolean standalone;

    @Option(names = {"-I", "--initial-controllers"}, paramLabel = "<id@host:port:directory-id,...>",
            description = "The initial voters of a dynamic quorum (controller.quorum.bootstrap.servers); this "
                    + "controller's metadata directory gets the directory id given for it.")
    String initialControllers;

    @Option(names = {"-N", "--no-initial-controllers"},
            description = "Format a controller of a dynamic quorum that is not an initial voter (add it later with "
                    + "kafka-metadata-quorum add-controller).")
    boolean noInitialControllers;

    public StorageFormatCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (!Files.isRegularFile(configFile)) {
            throw new CliException("Cannot read the configuration file " + configFile);
        }
        BrokerConfig config;
        try {
            config = BrokerConfig.fromProperties(ConfigLoader.load(Optional.of(configFile), io.env()));
        } catch (ConfigException e) {
            throw new CliException("Invalid configuration in " + configFile + ": " + e.getMessage());
        }
        var outcomes = new StorageFormatter(config, clusterId, ignoreFormatted,
                new StorageFormatter.Quorum(standalone, Optional.ofNullable(initialControllers), noInitialControllers))
                .format();
        boolean any = false;
        for (var outcome : outcomes) {
            if (outcome.written()) {
                io.out().println("Formatting " + outcome.dir() + " for cluster " + clusterId + ", node " + config.nodeId() + ".");
                any = true;
            }
        }
        if (!any) {
            io.out().println("All of the log directories are already formatted.");
        }
        return 0;
    }
}
