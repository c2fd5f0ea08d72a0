package io.sluice.replica;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.log.PartitionLog;
import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Three combined broker,controller nodes in this JVM, one Raft metadata quorum, each with its own
 * data directory; a node can be stopped and started again on its data.
 */
final class ThreeNodeCluster implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> extraProps;
    private final Map<Integer, Map<String, String>> nodeProps;
    private final Map<Integer, SimpleMeterRegistry> meters = new java.util.concurrent.ConcurrentHashMap<>();
    private final Vertx vertx = Vertx.vertx();
    private final ExecutorService starter = Executors.newCachedThreadPool();
    private final Map<Integer, Integer> controllerPorts = new TreeMap<>();
    private final Map<Integer, Broker> brokers = new TreeMap<>();

    ThreeNodeCluster(Path dir, Map<String, String> extraProps) throws IOException {
        this(dir, extraProps, Map.of());
    }

    /** nodeProps: settings for one node only (by node id), such as its broker.rack. */
    ThreeNodeCluster(Path dir, Map<String, String> extraProps, Map<Integer, Map<String, String>> nodeProps)
            throws IOException {
        this.dir = dir;
        this.extraProps = extraProps;
        this.nodeProps = nodeProps;
        for (int id = 1; id <= 3; id++) {
            controllerPorts.put(id, freePort());
        }
    }

    ThreeNodeCluster start() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Broker broker = newBroker(id);
            brokers.put(id, broker);
            // Each start waits for the quorum, so they must run together.
            starts.add(CompletableFuture.runAsync(broker::start, starter));
        }
        starts.forEach(CompletableFuture::join);
        return this;
    }

    private Broker newBroker(int id) {
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        Map<String, String> props = new HashMap<>();
        props.put("node.id", Integer.toString(id));
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", voters);
        props.put("controller.quorum.election.timeout.ms", "500");
        props.put("controller.quorum.fetch.timeout.ms", "500");
        props.put("cluster.id", "replication-cluster");
        props.put("log.dirs", dir.resolve("node-" + id).toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("replica.fetch.backoff.ms", "100");
        props.putAll(extraProps);
        props.putAll(nodeProps.getOrDefault(id, Map.of()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        meters.put(id, registry);
        return new Broker(BrokerConfig.fromProperties(props), vertx, registry);
    }

    /** The metrics of node id's current run. */
    SimpleMeterRegistry meters(int id) {
        return meters.get(id);
    }

    Broker broker(int id) {
        return brokers.get(id);
    }

    /** Stops node id as a clean shutdown would; its data directory stays. */
    void stop(int id) {
        brokers.remove(id).close();
    }

    /** Starts node id again on its data directory. */
    void restart(int id) {
        Broker broker = newBroker(id);
        brokers.put(id, broker);
        broker.start();
    }

    String bootstrap() {
        return brokers.values().stream().map(b -> "127.0.0.1:" + b.boundPort("PLAINTEXT"))
                .collect(Collectors.joining(","));
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(p);
    }

    Partition partition(int id, TopicPartition tp) {
        return brokers.get(id).parts().replicas().partition(tp)
                .orElseThrow(() -> new AssertionError("broker " + id + " does not host " + tp));
    }

    boolean hosts(int id, TopicPartition tp) {
        Broker b = brokers.get(id);
        return b != null && b.parts().replicas().partition(tp).isPresent();
    }

    Broker activeController() {
        return brokers.values().stream().filter(b -> b.parts().backend().isActiveController()).findFirst()
                .orElseThrow(() -> new AssertionError("no active controller"));
    }

    /** Every batch of a log as (base offset, last offset, leader epoch, CRC): equal lists mean equal logs. */
    static List<String> batches(PartitionLog log) {
        List<String> out = new ArrayList<>();
        long offset = log.logStartOffset();
        long end = log.logEndOffset();
        while (offset < end) {
            long before = offset;
            for (RecordBatch b : log.read(offset, Integer.MAX_VALUE, end, true).records().batches()) {
                out.add(b.baseOffset() + "-" + b.lastOffset() + "@" + b.partitionLeaderEpoch() + "#" + b.checksum());
                offset = b.nextOffset();
            }
            if (offset == before) {
                throw new AssertionError("no batch at offset " + offset + " below the log end " + end);
            }
        }
        return out;
    }

    static void await(BooleanSupplier condition, long timeoutMs, String what) {
        io.sluice.testing.Await.until(condition, timeoutMs, what);
    }

    private static int freePort() {
        return io.sluice.testing.FreePorts.reusable();
    }

    @Override
    public void close() {
        brokers.values().forEach(Broker::close);
        brokers.clear();
        starter.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
