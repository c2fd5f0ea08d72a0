package io.sluice.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A kraft cluster in isolated mode as separate JVMs: controllers (node ids 1..c, {@code process.roles=controller})
 * and brokers (node ids c+1..c+b, {@code process.roles=broker}), laid out as in Kafka's container image
 * documentation ("Multiple nodes") and {@code deploy/kraft/compose.yaml}, with local ports in place of
 * container names. Settings given by their Kafka names apply to every node. By default the nodes are
 * Sluice configured only through environment variables ({@link SluiceEnvLauncher}); another
 * {@link NodeLauncher} runs the same layout with another broker (Apache Kafka, for comparisons).
 * Data stays in the work dir, so a node restarts on its own data.
 */
public final class ClusterProcesses implements AutoCloseable {
    public static final String CLUSTER_ID = "5L6g3nShT-eMCtK--X86sw";

    public enum Role { CONTROLLER, BROKER }

    /**
     * One node. For a controller {@code port} is its CONTROLLER listener; for a broker, its
     * PLAINTEXT_HOST listener (the one for clients outside the cluster network, as in the compose file).
     */
    public record Node(int id, Role role, int port, NodeProcess process) {
        public String address() {
            return "127.0.0.1:" + port;
        }
    }

    private final NodeLauncher launcher;
    private final List<Node> controllers;
    private final List<Node> brokers;

    private ClusterProcesses(List<Node> controllers, List<Node> brokers, NodeLauncher launcher) {
        this.launcher = launcher;
        this.controllers = List.copyOf(controllers);
        this.brokers = List.copyOf(brokers);
    }

    /** {@code controllers} controllers and {@code brokers} brokers under {@code workDir}; nothing starts yet. */
    public static ClusterProcesses kraft(Path workDir, int controllerCount, int brokerCount, Map<String, String> settings) {
        return kraft(workDir, controllerCount, brokerCount, settings, new SluiceEnvLauncher());
    }

    /** The same layout, each node made a process by the launcher (Sluice by env, or another broker). */
    public static ClusterProcesses kraft(Path workDir, int controllerCount, int brokerCount, Map<String, String> settings,
                                         NodeLauncher launcher) {
        List<Integer> controllerPorts = new ArrayList<>();
        StringJoiner voters = new StringJoiner(",");
        for (int id = 1; id <= controllerCount; id++) {
            int port = BrokerProcess.freePort();
            controllerPorts.add(port);
            voters.add(id + "@127.0.0.1:" + port);
        }
        List<Node> controllers = new ArrayList<>();
        for (int id = 1; id <= controllerCount; id++) {
            int port = controllerPorts.get(id - 1);
            Map<String, String> config = new LinkedHashMap<>();
            config.put("node.id", Integer.toString(id));
            config.put("process.roles", "controller");
            config.put("listeners", "CONTROLLER://:" + port);
            config.put("inter.broker.listener.name", "PLAINTEXT");
            config.put("controller.listener.names", "CONTROLLER");
            config.put("controller.quorum.voters", voters.toString());
            config.put("group.initial.rebalance.delay.ms", "0");
            String name = "controller-" + id;
            controllers.add(new Node(id, Role.CONTROLLER, port, node(launcher, workDir, name, config, settings)));
        }
        List<Node> brokers = new ArrayList<>();
        for (int i = 1; i <= brokerCount; i++) {
            int id = controllerCount + i;
            int internal = BrokerProcess.freePort();
            int host = BrokerProcess.freePort();
            Map<String, String> config = new LinkedHashMap<>();
            config.put("node.id", Integer.toString(id));
            config.put("process.roles", "broker");
            config.put("listeners", "PLAINTEXT://:" + internal + ",PLAINTEXT_HOST://:" + host);
            config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + internal + ",PLAINTEXT_HOST://localhost:" + host);
            config.put("inter.broker.listener.name", "PLAINTEXT");
            config.put("controller.listener.names", "CONTROLLER");
            config.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT");
            config.put("controller.quorum.voters", voters.toString());
            config.put("group.initial.rebalance.delay.ms", "0");
            String name = "broker-" + i;
            brokers.add(new Node(id, Role.BROKER, host, node(launcher, workDir, name, config, settings)));
        }
        return new ClusterProcesses(controllers, brokers, launcher);
    }

    private static NodeProcess node(NodeLauncher launcher, Path workDir, String name, Map<String, String> config,
                                    Map<String, String> settings) {
        Path dir = workDir.resolve(name);
        Map<String, String> all = new LinkedHashMap<>(config);
        all.put("log.dirs", dir.resolve("data").toString());
        all.put("cluster.id", CLUSTER_ID);
        all.putAll(settings);
        return launcher.create(name, dir, all);
    }

    /** Starts every node (all at once: a node waits for the quorum itself) and waits until each is up. */
    public ClusterProcesses start(Duration timeout) throws InterruptedException {
        all().forEach(n -> n.process().start());
        for (Node n : all()) {
            awaitStarted(n, timeout);
        }
        return this;
    }

    /** Starts a stopped node again, on its own data, and waits until it is up. */
    public void restart(Node node, Duration timeout) throws InterruptedException {
        node.process().start();
        awaitStarted(node, timeout);
    }

    private void awaitStarted(Node n, Duration timeout) throws InterruptedException {
        n.process().awaitLog(launcher.startedLine(n.id()), timeout);
    }

    public List<Node> controllers() {
        return controllers;
    }

    public List<Node> brokers() {
        return brokers;
    }

    public List<Node> all() {
        List<Node> all = new ArrayList<>(controllers);
        all.addAll(brokers);
        return all;
    }

    public Node node(int id) {
        return all().stream().filter(n -> n.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }

    /** The brokers' client listeners, for bootstrap.servers. */
    public String bootstrapServers() {
        return brokers.stream().map(Node::address).collect(Collectors.joining(","));
    }

    /** An admin client bootstrapped at the brokers. */
    public Admin admin(Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.putAll(overrides);
        return Admin.create(props);
    }

    /**
     * Waits until a running, unfrozen controller's latest logged role is LEADER and satisfies the
     * condition, and returns it; the wait polls the logs every few milliseconds.
     */
    public QuorumLog.RoleChange awaitLeader(Predicate<QuorumLog.RoleChange> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<QuorumLog.RoleChange> leader = currentLeader().filter(condition);
            if (leader.isPresent()) {
                return leader.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no controller became leader as expected within " + timeout
                        + "; leader claims by epoch: " + leaderClaims() + "\n" + logTails());
            }
            Thread.sleep(5); // polling the logs: the deadline above bounds the wait
        }
    }

    /** The leader of the highest epoch among running, unfrozen controllers, as their logs tell. */
    public Optional<QuorumLog.RoleChange> currentLeader() {
        return controllers.stream()
                .filter(n -> n.process().isAlive() && !n.process().isFrozen())
                .map(n -> QuorumLog.latest(n.process()))
                .flatMap(Optional::stream)
                .filter(QuorumLog.RoleChange::isLeader)
                .max((a, b) -> Integer.compare(a.epoch(), b.epoch()));
    }

    /** Epoch → the controllers that ever logged leading it (over every life): more than one is a split brain. */
    public Map<Integer, java.util.Set<Integer>> leaderClaims() {
        return QuorumLog.leaderClaims(controllers.stream().map(Node::process).toList());
    }

    /** Every node's log tail, for a failure message. */
    public String logTails() {
        return all().stream().map(n -> n.process().logTail()).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() throws InterruptedException {
        for (Node n : all()) {
            n.process().close();
        }
    }
}
