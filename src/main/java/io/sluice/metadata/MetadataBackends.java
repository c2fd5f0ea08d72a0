package io.sluice.metadata;

import io.sluice.metadata.kraft.QuorumVoters;
import io.sluice.metadata.kraft.RaftBackend;
import io.sluice.metadata.kraft.RaftBackendSettings;
import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.metadata.zk.ZkBackend;
import io.sluice.metadata.zk.ZkSettings;
import io.sluice.raft.TcpRaftTransport.Address;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ListenerConfig;
import io.sluice.server.config.MetadataMode;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.sluice.raft.RaftConfig;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.jboss.logging.Logger;

/**
 * Chooses and prepares the metadata backend for the configured mode: the one place outside the
 * backends themselves that knows which one runs.
 */
public final class MetadataBackends {
    private static final Logger LOG = Logger.getLogger(MetadataBackends.class);
    /** How long a starting node waits to catch up with the quorum before giving up. */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final long TICK_MS = 10;

    private MetadataBackends() {}

    /**
     * The backend for this node. In zk mode the ZooKeeper ensemble of {@code zookeeper.connect}. In kraft mode that is the Raft quorum of {@code controller.quorum.voters}
     * (a quorum of one on a single node); a controller accepts Raft connections on its controller
     * listener, a broker-only node follows the quorum as an observer. A single node's metadata log from
     * before the quorum (the former single-voter backend's format) is moved onto the Raft log on its first start.
     */
    public static MetadataBackend open(BrokerConfig config, Vertx vertx) {
        if (config.metadataMode() == MetadataMode.ZK) {
            return new ZkBackend(zkSettings(config));
        }
        if (config.metadataMode() != MetadataMode.KRAFT) {
            throw new ConfigException("Metadata mode " + config.metadataMode()
                    + " is not available yet in this build; configure process.roles (kraft mode)");
        }
        Map<Integer, Address> voters;
        try {
            voters = QuorumVoters.parse(config.getList("controller.quorum.voters"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("controller.quorum.voters", config.getList("controller.quorum.voters"),
                    e.getMessage());
        }
        List<String> bootstrap = config.getList("controller.quorum.bootstrap.servers");
        boolean dynamic = voters.isEmpty() && !bootstrap.isEmpty();
        for (String server : bootstrap) {
            try {
                Address.parse(server.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("controller.quorum.bootstrap.servers", bootstrap, e.getMessage());
            }
        }
        boolean controller = config.processRoles().contains("controller");
        Optional<Address> listen = controller ? Optional.of(controllerListener(config)) : Optional.empty();
        if (voters.isEmpty() && !dynamic) {
            voters = Map.of(config.nodeId(), listen.orElseThrow(() -> new ConfigException(
                    "controller.quorum.voters", "", "a broker-only node needs the controllers' addresses")));
        }
        Path metadataDir = Path.of(config.metadataLogDir());
        boolean soleVoter = voters.size() == 1 && voters.containsKey(config.nodeId());
        if (soleVoter || config.clusterId().isPresent()) {
            formatIfNew(config, metadataDir);
        }
        long election = config.getInt("controller.quorum.election.timeout.ms");
        long fetchTimeout = config.getInt("controller.quorum.fetch.timeout.ms");
        // A write already waits for its commit; lingering only pays off under heavy write rates, so it
        // is opt-in here rather than Kafka's 25 ms on every topic creation.
        long linger = config.isSet("controller.quorum.append.linger.ms")
                ? config.getInt("controller.quorum.append.linger.ms") : 0;
        // A dynamic quorum (KIP-853) reads its voters from the log, which `storage format` bootstrapped; the
        // configuration only says where to ask. The directory id names this node in voter changes.
        RaftConfig raft = RaftBackendSettings.raftConfig(config.nodeId(), voters,
                MetaProperties.directoryId(metadataDir).orElse(""),
                dynamic ? bootstrap.stream().map(String::trim).toList() : List.of(), election, fetchTimeout, linger,
                20_000);
        RaftBackendSettings settings = new RaftBackendSettings(metadataDir, raft, voters, listen,
                config.clusterId(), TICK_MS, STARTUP_TIMEOUT);
        return new RaftBackend(settings, vertx);
    }

    static ZkSettings zkSettings(BrokerConfig config) {
        return new ZkSettings(config.getString("zookeeper.connect"), config.getInt("zookeeper.session.timeout.ms"),
                config.zookeeperConnectionTimeoutMs(), config.getBoolean("zookeeper.set.acl"), config.nodeId(),
                config.clusterId(), config.interBrokerListenerName(), config.getInt("controller.socket.timeout.ms"));
    }

    /** Where Raft traffic is accepted: the first of controller.listener.names among the listeners. */
    private static Address controllerListener(BrokerConfig config) {
        for (ListenerConfig listener : config.listeners()) {
            if (config.controllerListenerNames().contains(listener.name())) {
                String host = listener.bindsAllInterfaces() ? "0.0.0.0" : listener.host();
                return new Address(host, listener.port());
            }
        }
        throw new ConfigException("controller.listener.names", String.join(",", config.controllerListenerNames()),
                "a controller needs one of these listeners in listeners");
    }

    /**
     * A single voter with empty storage formats itself, as Kafka's single-node container does, and so
     * does any node given cluster.id; storage formatted for another cluster or node is refused by the backend.
     */
    private static void formatIfNew(BrokerConfig config, Path metadataDir) {
        if (Files.exists(metadataDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = config.clusterId().orElseGet(() -> Uuid.randomUuid().toString());
        LOG.infof("Formatting storage for cluster %s, node %d (metadata in %s)", clusterId, config.nodeId(), metadataDir);
        MetaProperties.format(metadataDir, clusterId, config.nodeId());
        for (String dir : config.logDirs()) {
            if (!Path.of(dir).equals(metadataDir)) {
                MetaProperties.format(Path.of(dir), clusterId, config.nodeId());
            }
        }
    }
}
