package io.sluice.metadata.zk;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.ControllerRequestHandler;
import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.zookeeper.KeeperException;
import org.jboss.logging.Logger;

/**
 * The zk metadata backend: cluster metadata lives in a ZooKeeper ensemble under Kafka's znode
 * layout, reached through Curator.
 *
 * <p>How the image is kept: a {@link CuratorCache} over the whole chroot only <em>signals</em>
 * that something changed; the image is then rebuilt by {@link ZkSnapshotReader} from a fresh
 * read of the znodes, replayed through {@link MetadataDelta}, and published if it differs from
 * the last one. Reading the server (not the cache) means the controller sees its own write as
 * soon as the transaction commits, and an image never goes back in time within a session.
 *
 * <p>Threading: one daemon thread, {@code sluice-zk-metadata}, does every ZooKeeper call of the
 * backend (election, registration, reads, writes) and publishes; Curator's threads only queue
 * work onto it. Refresh requests coalesce, so a burst of znode events costs one read.
 *
 * <p>Faults: while disconnected the last image stays (produce and fetch go on) and the node is
 * not the active controller, so writes fail with the retriable {@link NotControllerException}.
 * On reconnect, and after a session expiry (ephemeral znodes gone), the backend re-registers
 * the broker, re-runs the election and re-reads everything.
 *
 * <p>A broker that is not the controller sends controller-bound requests (AlterPartition, admin
 * requests) to the controller broker over the Kafka protocol, as Kafka 3.x brokers do
 * ({@link ZkControllerForwarder}).
 */
public final class ZkBackend implements MetadataBackend {
    private static final Logger LOG = Logger.getLogger(ZkBackend.class);

    private final ZkSettings settings;
    /** How soon a sync that could not finish (znode held by a dying session, ZooKeeper error) is retried. */
    private static final long RETRY_MS = 500;

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-zk-metadata");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final ZkControllerForwarder forwarder;
    private volatile Thread metadataThread;
    private volatile MetadataImage image;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean connected;
    private CuratorFramework client;
    private CuratorFramework zk;
    private CuratorCache cache;
    // Confined to the metadata thread.
    private final MetadataPublisher publisher;
    private ZkControllerElection election;
    private ZkSnapshotReader reader;
    private ZkRecordWriter writer;
    private ZkBrokerRegistration registration;
    private ZkProducerIdBlocks producerIdBlocks;
    private ZkConfigChangePurger configChanges;
    private ZkTopicDeletionMarkers deletionMarkers;
    /** The active controller's request handler (this node's), for what ZooKeeper itself asks of it. */
    private volatile ControllerRequestHandler controllerRequests;
    private String clusterId;

    public ZkBackend(ZkSettings settings) {
        this.settings = settings;
        this.image = MetadataImage.empty(settings.clusterId().orElse(null));
        this.publisher = new MetadataPublisher(image);
        this.forwarder = new ZkControllerForwarder(settings.brokerId(), settings.interBrokerListenerName(),
                settings.controllerSocketTimeoutMs(), this::image);
        thread.execute(() -> metadataThread = Thread.currentThread());
    }

    @Override
    public void start() {
        client = CuratorFrameworkFactory.builder()
                .connectString(settings.hosts())
                .sessionTimeoutMs(settings.sessionTimeoutMs())
                .connectionTimeoutMs(settings.connectionTimeoutMs())
                // Few quick retries: the metadata thread must not hang on a dead ensemble; the
                // reconnect event re-runs whatever failed.
                .retryPolicy(new ExponentialBackoffRetry(100, 3, 1000))
                .aclProvider(ZkAcls.provider(settings.setAcl()))
                // Kafka creates its structural znodes empty; Curator would otherwise store our IP.
                .defaultData(new byte[0])
                .build();
        client.getConnectionStateListenable().addListener((c, state) -> onConnectionState(state));
        client.start();
        try {
            connectAndPrepare();
        } catch (RuntimeException e) {
            // A broker that cannot start must not leave a session (and its retries) behind.
            closed = true;
            client.close();
            forwarder.close();
            thread.shutdown();
            throw e;
        }
        // Watch everything under the chroot: brokers, topics, configs, deletions, the controller.
        cache = CuratorCache.build(zk, "/");
        cache.listenable().addListener((type, oldData, data) -> requestSync());
        cache.start();
        LOG.infof("zk metadata backend started: broker %d, cluster %s, ZooKeeper %s", settings.brokerId(), clusterId,
                settings.connect());
    }

    /** Waits for the first connection, then lays out the chroot and runs the first sync. */
    private void connectAndPrepare() {
        try {
            if (!client.blockUntilConnected(settings.connectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Could not connect to ZooKeeper at " + settings.hosts() + " within "
                        + settings.connectionTimeoutMs() + " ms (zookeeper.connection.timeout.ms)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while connecting to ZooKeeper", e);
        }
        connected = true;
        runOnMetadataThread(() -> {
            try {
                zk = ZkLayout.ensureChroot(client, settings.chroot());
                ZkLayout.ensurePersistentPaths(zk);
                clusterId = ZkLayout.ensureClusterId(zk, settings.clusterId());
                election = new ZkControllerElection(zk, settings.brokerId());
                reader = new ZkSnapshotReader(zk);
                writer = new ZkRecordWriter(zk);
                registration = new ZkBrokerRegistration(zk, settings.brokerId());
                producerIdBlocks = new ZkProducerIdBlocks(zk);
                configChanges = new ZkConfigChangePurger(zk, ZkConfigChangePurger.EXPIRATION_MS);
                deletionMarkers = new ZkTopicDeletionMarkers(zk);
                started = true;
                if (!syncNow()) {
                    retryLater();
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("ZooKeeper metadata start failed: " + e, e);
            }
        });
    }

    private void onConnectionState(ConnectionState state) {
        switch (state) {
            case CONNECTED, RECONNECTED -> {
                connected = true;
                LOG.infof("ZooKeeper connection %s", state);
                requestSync();
            }
            case SUSPENDED, READ_ONLY -> {
                connected = false;
                LOG.warnf("ZooKeeper connection %s: keeping the last metadata image, metadata writes refused", state);
            }
            case LOST -> {
                if (election != null) {
                    election.lost();
                }
                // Curator can post a second LOST after the RECONNECTED of the new session. Taking that
                // one at its word would leave us "disconnected" on a live session with no event to
                // come, so no re-registration ever: ask the client instead.
                connected = client.getZookeeperClient().isConnected();
                if (connected) {
                    LOG.warnf("ZooKeeper session lost, already connected under a new one: re-registering now");
                    requestSync();
                } else {
                    LOG.warnf("ZooKeeper session lost: no longer controller; will re-register on reconnect");
                }
            }
        }
    }

    /** Queues one sync unless one is already queued (coalescing bursts of watch events). */
    private void requestSync() {
        if (closed || !refreshQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            thread.execute(() -> {
                refreshQueued.set(false);
                try {
                    if (!syncNow()) {
                        retryLater();
                    }
                } catch (Exception e) {
                    // The last image stays; retried here and on the next connection event.
                    LOG.debugf("ZooKeeper sync failed (will retry): %s", e);
                    retryLater();
                }
            });
        } catch (RejectedExecutionException e) {
            refreshQueued.set(false);
        }
    }

    /**
     * Watch events do not cover everything we wait for (a znode of our own expired session that
     * the server has not deleted yet, a read that failed mid-outage), so an unfinished sync is
     * retried on a timer as well. While disconnected the reconnect event does it instead.
     */
    private void retryLater() {
        if (!closed && connected) {
            try {
                thread.schedule(this::requestSync, RETRY_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closing
            }
        }
    }

    /**
     * Registration, election, then the image: in that order so the image shows both. False when
     * the registration is still held by another session and must be retried.
     */
    private boolean syncNow() throws Exception {
        if (!started || closed || !connected) {
            return true;
        }
        boolean registered = registration.ensure() != null || !registration.wanted();
        election.run();
        refreshNow();
        ControllerRequestHandler controller = controllerRequests;
        if (controller != null && isActiveController()) {
            deletionMarkers.process(controller, thread);
        }
        return registered;
    }

    private void refreshNow() throws Exception {
        MetadataImage current = image;
        MetadataImage read = reader.read(clusterId, current.offset() + 1);
        if (read.equals(atOffset(current, read.offset())) && current.offset() >= 0) {
            return;
        }
        image = read;
        publisher.publish(read);
    }

    private static MetadataImage atOffset(MetadataImage i, long offset) {
        return new MetadataImage(i.clusterId(), i.controllerId(), offset, i.topics(), i.topicsById(), i.brokers(),
                i.brokerConfigs(), i.brokerConfigsById(), i.nextProducerId());
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        if (Thread.currentThread() == metadataThread) {
            publisher.addListener(listener);
        } else {
            runOnMetadataThread(() -> publisher.addListener(listener));
        }
    }

    /**
     * Registers this broker as its ephemeral {@code /brokers/ids/<id>} znode. Any broker does this
     * for itself, controller or not, as in Kafka; the backend keeps it registered across session
     * expiries. Completes with the znode's creation zxid, which is Kafka's broker epoch in zk mode.
     */
    @Override
    public Optional<CompletableFuture<Long>> announceBroker(int brokerId, List<BrokerEndpoint> endpoints, String rack) {
        if (brokerId != settings.brokerId()) {
            throw new IllegalArgumentException("broker " + brokerId + " cannot register through broker "
                    + settings.brokerId() + "'s ZooKeeper session");
        }
        return Optional.of(submit(() -> {
            long czxid = registration.register(endpoints, rack);
            refreshNow();
            return czxid;
        }));
    }

    /**
     * Takes the next producer id block from {@code /latest_producer_id_block} itself, as Kafka's
     * zk-mode brokers do, so a broker that is not the controller serves InitProducerId too. Runs on
     * the metadata thread like every other ZooKeeper call of the backend.
     */
    @Override
    public Optional<CompletableFuture<Long>> allocateProducerIds(int brokerId, int blockSize) {
        return Optional.of(submit(() -> producerIdBlocks.allocate(brokerId, blockSize)));
    }

    @Override
    public CompletableFuture<Long> write(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Empty metadata batch"));
        }
        List<MetadataRecord> batch = List.copyOf(records);
        return submit(() -> writeNow(batch));
    }

    private long writeNow(List<MetadataRecord> records) throws Exception {
        if (records.stream().allMatch(r -> r.hasRegisterBroker() && r.getRegisterBroker().getBrokerId() == settings.brokerId())) {
            // The controller registering its own broker (the kraft path): the same ephemeral znode.
            var r = records.get(records.size() - 1).getRegisterBroker();
            registration.register(r.getEndpointsList().stream().map(e -> new BrokerEndpoint(e.getListenerName(),
                    e.getHost(), e.getPort(), e.getSecurityProtocol())).toList(), r.hasRack() ? r.getRack() : null);
            refreshNow();
            return image.offset();
        }
        if (!isActiveController()) {
            throw new NotControllerException("Broker " + settings.brokerId() + " is not the active controller"
                    + (connected ? "" : " (ZooKeeper is unreachable)"));
        }
        MetadataImage before = image;
        // Replaying first refuses a batch that does not fit, before anything reaches ZooKeeper.
        MetadataImage after = MetadataDelta.replay(before, records, before.offset() + 1);
        var ops = writer.ops(before, after, records, election.epoch(), election.epochZkVersion(),
                path -> zk.checkExists().forPath(path) != null);
        try {
            zk.transaction().forOperations(ops);
        } catch (KeeperException.BadVersionException e) {
            election.lost();
            requestSync();
            throw new NotControllerException("Broker " + settings.brokerId() + " was deposed: /controller_epoch moved past "
                    + election.epoch() + "; the write was refused");
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                 | KeeperException.SessionMovedException | KeeperException.OperationTimeoutException e) {
            // The outcome is unknown; the client retries and finds the result in the next image.
            throw new NotControllerException("ZooKeeper unreachable during a metadata write (" + e.code()
                    + "); retry once it is back");
        }
        refreshNow();
        purgeConfigChanges();
        return image.offset();
    }

    @Override
    public void serveControllerRequests(ControllerRequestHandler handler) {
        this.controllerRequests = handler;
    }

    /** Old change notifications go after a write (when new ones may have come); a failure waits for the next. */
    private void purgeConfigChanges() {
        try {
            configChanges.purge(System.currentTimeMillis());
        } catch (Exception e) {
            LOG.debugf("Purging old /config/changes notifications failed (retried after the next write): %s", e);
        }
    }

    /**
     * To the controller broker's inter-broker listener, over the Kafka protocol. Without ZooKeeper this
     * broker cannot know the controller is still one, and no controller could write: the request fails
     * here with a NOT_CONTROLLER that says why, and the sender retries.
     */
    @Override
    public CompletableFuture<ApiMessage> forwardToController(ApiKeys api, ApiMessage request) {
        if (!connected) {
            return CompletableFuture.failedFuture(new NotControllerException("ZooKeeper is unreachable from broker "
                    + settings.brokerId() + ": metadata changes wait until it is back; retry"));
        }
        return forwarder.send(api, request);
    }

    @Override
    public boolean isActiveController() {
        return started && !closed && connected && election.isElected();
    }

    @Override
    public void close() {
        closed = true;
        forwarder.close();
        if (cache != null) {
            cache.close();
        }
        if (client != null) {
            // Closing the session deletes our ephemeral znodes at once: another broker takes over
            // as controller without waiting out the session timeout.
            client.close();
        }
        thread.shutdown();
    }

    /** The root (un-chrooted) client; tests use it to expire the session. */
    /** Whether the ZooKeeper session is connected (1) or not (0): Kafka's SessionState, as a number. */
    @Override
    public Map<String, DoubleSupplier> gauges() {
        return Map.of("sluice.zookeeper.connected", () -> connected ? 1 : 0);
    }

    CuratorFramework curator() {
        return client;
    }

    private interface Task<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> submit(Task<T> task) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (!started || closed) {
                    throw new IllegalStateException("The zk metadata backend is not started or is closed");
                }
                try {
                    return task.run();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new NotControllerException("ZooKeeper operation failed (" + e + "); retry");
                }
            }, thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("The zk metadata backend is closed"));
        }
    }

    private void runOnMetadataThread(Runnable task) {
        try {
            CompletableFuture.runAsync(task, thread).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
