package io.sluice.metadata.kraft;

import io.sluice.raft.TcpRaftTransport.Address;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** N Raft-backed metadata backends in this JVM, each with its own directory, transport and port. */
final class RaftQuorum implements AutoCloseable {
    static final long ELECTION_MS = 500;

    final Vertx vertx = Vertx.vertx();
    final Path root;
    final Map<Integer, Address> voters = new TreeMap<>();
    final Map<Integer, RaftBackend> nodes = new TreeMap<>();
    final long snapshotInterval;
    private final ExecutorService starter = Executors.newCachedThreadPool();

    RaftQuorum(Path root, int voterCount, long snapshotInterval) throws IOException {
        this.root = root;
        this.snapshotInterval = snapshotInterval;
        for (int id = 1; id <= voterCount; id++) {
            voters.put(id, new Address("127.0.0.1", freePort()));
            MetaProperties.format(dir(id), "cluster-1", id);
        }
    }

    Path dir(int id) {
        return root.resolve("node-" + id);
    }

    RaftBackend create(int id) {
        MetaProperties.format(dir(id), "cluster-1", id);
        boolean voter = voters.containsKey(id);
        // Fetch timeout = election timeout: a dead leader is noticed after one timeout, not two.
        RaftBackendSettings settings = new RaftBackendSettings(dir(id),
                RaftBackendSettings.raftConfig(id, voters, ELECTION_MS, ELECTION_MS, 0, snapshotInterval),
                voters, voter ? Optional.of(voters.get(id)) : Optional.empty(), Optional.of("cluster-1"), 10,
                Duration.ofSeconds(30));
        RaftBackend backend = new RaftBackend(settings, vertx);
        nodes.put(id, backend);
        return backend;
    }

    /** Starts the given nodes at once: each start waits for a quorum, so one at a time would never finish. */
    void start(int... ids) {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int id : ids) {
            RaftBackend backend = nodes.containsKey(id) ? nodes.get(id) : create(id);
            starts.add(CompletableFuture.runAsync(backend::start, starter));
        }
        starts.forEach(CompletableFuture::join);
    }

    void stop(int id) {
        nodes.remove(id).close();
    }

    RaftBackend awaitLeader(long timeoutMs) throws InterruptedException {
        RaftBackend[] leader = {null};
        await(() -> {
            List<RaftBackend> active = nodes.values().stream().filter(RaftBackend::isActiveController).toList();
            leader[0] = active.size() == 1 ? active.get(0) : null;
            return leader[0] != null;
        }, timeoutMs, "a single active controller");
        return leader[0];
    }

    static void await(BooleanSupplier condition, long timeoutMs, String what) {
        io.sluice.testing.Await.until(condition, timeoutMs, what);
    }

    static int freePort() {
        return io.sluice.testing.FreePorts.reusable();
    }

    @Override
    public void close() {
        nodes.values().forEach(RaftBackend::close);
        nodes.clear();
        starter.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
