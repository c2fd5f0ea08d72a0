package io.sluice.metadata;

import io.sluice.metadata.kraft.SingleVoterBackend;
import io.sluice.metadata.zk.ZkBackend;
import io.sluice.metadata.zk.ZkSettings;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.MetadataMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.jboss.logging.Logger;

/**
 * Chooses and prepares the metadata backend for the configured mode: the one place outside the
 * backends themselves that knows which one runs.
 */
public final class MetadataBackends {
    private static final Logger LOG = Logger.getLogger(MetadataBackends.class);

    private MetadataBackends() {}

    public static MetadataBackend open(BrokerConfig config) {
        if (config.metadataMode() == MetadataMode.ZK) {
            return new ZkBackend(zkSettings(config));
        }
        if (config.metadataMode() != MetadataMode.KRAFT) {
            throw new ConfigException("Metadata mode " + config.metadataMode()
                    + " is not available yet in this build; configure process.roles (kraft mode)");
        }
        List<String> voters = config.getList("controller.quorum.voters");
        if (voters.size() > 1) {
            throw new ConfigException("controller.quorum.voters", voters,
                    "a multi-voter Raft quorum is not available yet in this build; use a single voter");
        }
        Path metadataDir = Path.of(config.metadataLogDir());
        formatIfNew(config, metadataDir);
        return new SingleVoterBackend(metadataDir, config.nodeId(), config.clusterId());
    }

    static ZkSettings zkSettings(BrokerConfig config) {
        return new ZkSettings(config.getString("zookeeper.connect"), config.getInt("zookeeper.session.timeout.ms"),
                config.zookeeperConnectionTimeoutMs(), config.getBoolean("zookeeper.set.acl"), config.nodeId(),
                config.clusterId());
    }

    /**
     * Registers this node's own broker. In kraft mode the controller writes the registration
     * record; in zk mode every broker, controller or not, creates its own ephemeral
     * {@code /brokers/ids/<id>} znode, as Kafka's do. Completes with the broker epoch.
     */
    public static CompletableFuture<Long> registerSelf(MetadataBackend backend, List<BrokerEndpoint> endpoints,
                                                       String rack, Supplier<CompletableFuture<Long>> throughController) {
        if (backend instanceof ZkBackend zk) {
            return zk.registerSelf(endpoints, rack);
        }
        return throughController.get();
    }

    /**
     * A single voter with empty storage formats itself, as Kafka's single-node container does;
     * storage formatted for another cluster or node is refused by the backend.
     */
    private static void formatIfNew(BrokerConfig config, Path metadataDir) {
        if (Files.exists(metadataDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = config.clusterId().orElseGet(() -> Uuid.randomUuid().toString());
        LOG.infof("Formatting storage for cluster %s, node %d (metadata in %s)", clusterId, config.nodeId(), metadataDir);
        SingleVoterBackend.format(metadataDir, clusterId, config.nodeId());
        for (String dir : config.logDirs()) {
            if (!Path.of(dir).equals(metadataDir)) {
                SingleVoterBackend.format(Path.of(dir), clusterId, config.nodeId());
            }
        }
    }
}
