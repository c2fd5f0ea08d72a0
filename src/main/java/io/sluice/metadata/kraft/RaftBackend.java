package io.sluice.metadata.kraft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.metadata.ControllerRequestHandler;
import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.ControllerRequestEnvelope;
import io.sluice.metadata.proto.ControllerResponseEnvelope;
import io.sluice.metadata.proto.MetadataRecordBatch;
import io.sluice.raft.FileQuorumStateStore;
import io.sluice.raft.FileRaftLog;
import io.sluice.raft.FileSnapshotStore;
import io.sluice.raft.LogEntry;
import io.sluice.raft.NotLeaderException;
import io.sluice.raft.RaftCodec;
import io.sluice.raft.RaftDriver;
import io.sluice.raft.RaftListener;
import io.sluice.raft.RaftMessage;
import io.sluice.raft.RaftNode;
import io.sluice.raft.Role;
import io.sluice.raft.TcpRaftTransport;
import io.sluice.raft.TcpRaftTransport.Address;
import io.sluice.raft.Voter;
import io.sluice.raft.VoterSet;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.QuorumVoter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jboss.logging.Logger;

/**
 * The kraft backend: the metadata log is a Raft log replicated across {@code controller.quorum.voters}
 * (a quorum of one for a single node: the same code path). Each {@link #write} is one Raft entry holding
 * one serialized {@link MetadataRecordBatch}; committed entries are replayed through {@link MetadataDelta}
 * and published in log order on every node, voters and observers alike. A snapshot is the image as the
 * records that rebuild it ({@link ImageRecords}).
 *
 * <p>The active controller is the Raft leader, once the entry that opened its epoch is committed (only then
 * does its image hold everything committed before it). The image's controller id follows the leader.
 *
 * <p>Threading: the Raft thread ({@link RaftDriver}) owns the node and computes each image; a publishing
 * thread calls the listeners, in order, so a slow listener never delays a fetch or an election. Futures
 * handed to callers complete on a third thread once their image is published, so a caller that chains
 * work onto them stalls neither.
 *
 * <p>Requests for the active controller (broker registrations and heartbeats among them) travel as
 * application messages over the Raft connections ({@link #forwardToController}).
 */
public final class RaftBackend implements MetadataBackend {
    private static final Logger LOG = Logger.getLogger(RaftBackend.class);
    /** The metadata log's directory under {@code metadata.log.dir}, named as Kafka names it. */
    public static final String LOG_DIR_NAME = "__cluster_metadata-0";
    /** How long a forwarded controller request waits for its answer: Kafka's request.timeout.ms default. */
    private static final long FORWARD_TIMEOUT_MS = 30_000;
    /** Pause between attempts at a voter change that has to wait (the previous one, or a voter catching up). */
    private static final long VOTER_CHANGE_RETRY_MS = 100;

    private final RaftBackendSettings settings;
    private final Vertx vertx;
    private final int self;
    private final RaftDriver driver;
    private final ExecutorService callbacks;
    /** Calls the listeners, apart from the Raft thread: a slow listener delays images, never elections. */
    private final ExecutorService publishing;
    private volatile Thread publishingThread;
    private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    private volatile MetadataImage image;
    private volatile boolean active;
    private volatile boolean closed;
    private volatile int boundPort = -1;
    /** The Raft node's state after its last step, for the metrics (the node itself belongs to the Raft thread). */
    private volatile int raftLeader = -1;
    private volatile int raftEpoch;
    private volatile long raftHighWatermark;
    private volatile long raftLogEnd;
    private TcpRaftTransport transport;
    private FileRaftLog log;
    /** The voters as the Raft node last saw them (read from any thread; the set is immutable). */
    private volatile VoterSet voterSet = new VoterSet(Map.of());
    /** Answers requests forwarded to this node while it is the active controller; runs on the callback thread. */
    private volatile ControllerRequestHandler controllerRequests;

    // Confined to the Raft thread.
    private final MetadataPublisher publisher;
    private boolean publishedOnce;
    private String clusterId;
    private int leaderEpochSeen = -1;
    private Role lastRole;
    private int lastEpoch = -1;
    private long epochStart = Long.MAX_VALUE;
    /** The leader's high watermark in the first successful fetch answer: what "caught up" means here. */
    private long catchUpTarget = -1;
    private final ControllerForwarder forwarder;

    public RaftBackend(RaftBackendSettings settings, Vertx vertx) {
        this.settings = settings;
        this.vertx = vertx;
        this.self = settings.nodeId();
        this.image = MetadataImage.empty(settings.expectedClusterId().orElse(null));
        this.publisher = new MetadataPublisher(image);
        this.driver = new RaftDriver("sluice-raft-" + self, this::afterStep);
        this.forwarder = new ControllerForwarder(self, (to, kind, payload) -> transport.sendApplication(to, kind, payload),
                FORWARD_TIMEOUT_MS);
        this.publishing = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-metadata-" + self);
            t.setDaemon(true);
            return t;
        });
        publishing.execute(() -> publishingThread = Thread.currentThread());
        this.callbacks = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-metadata-callbacks-" + self);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() {
        try {
            startNow();
        } catch (RuntimeException e) {
            close(); // release the port, the threads and the log: the caller only sees the failure
            throw e;
        }
    }

    private void startNow() {
        Path dir = settings.metadataLogDir();
        MetaProperties meta = MetaProperties.read(dir).orElseThrow(() -> new IllegalStateException(
                dir + " is not formatted (no " + MetaProperties.FILE_NAME + "); run `sluice storage format`"));
        meta.requireSame(new MetaProperties(settings.expectedClusterId().orElse(meta.clusterId()), self), dir);
        Path raftDir = dir.resolve(LOG_DIR_NAME);
        try {
            Files.createDirectories(raftDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + raftDir, e);
        }
        if (SingleVoterMigration.needed(raftDir)) {
            Map<Integer, String> voters = settings.raft().voters();
            if (voters.size() != 1 || !voters.containsKey(self)) {
                throw new IllegalStateException(raftDir + " holds a single-voter metadata log ("
                        + MetadataLogFile.FILE_NAME + "); start this node alone as a quorum of one once to move it"
                        + " onto the Raft log, then add voters");
            }
            SingleVoterMigration.migrate(raftDir, meta.clusterId());
        }
        driver.call(() -> {
            clusterId = meta.clusterId();
            image = MetadataImage.empty(clusterId);
            return null;
        }).join();
        log = new FileRaftLog(raftDir);
        FileSnapshotStore snapshots = new FileSnapshotStore(raftDir);
        FileQuorumStateStore state = new FileQuorumStateStore(raftDir);
        transport = new TcpRaftTransport(vertx, meta.clusterId(), self, settings.voterAddresses(), this::onInbound);
        settings.listenAddress().ifPresent(a -> boundPort = transport.listen(a.host(), a.port())
                .toCompletionStage().toCompletableFuture().join());
        driver.start(now -> new RaftNode(settings.raft(), log, state, snapshots, transport, new Applier(),
                new Random(), now), settings.tickMs());
        try {
            caughtUp.get(settings.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Node " + self + " did not catch up with the metadata quorum "
                    + settings.voterAddresses() + " within " + settings.startupTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        LOG.infof("Metadata quorum member %d caught up at offset %d (leader %d)", self, image.offset(),
                image.controllerId());
    }

    /** The port Raft connections are accepted on, or -1 when this node does not listen (an observer). */
    public int boundPort() {
        return boundPort;
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(MetadataListener listener) {
        // On the publishing thread, so the listener slots into the publishing order exactly; the caller
        // waits so that when this returns the listener has seen the current image.
        if (Thread.currentThread() == publishingThread) {
            publisher.addListener(listener);
        } else {
            join(CompletableFuture.runAsync(() -> publisher.addListener(listener), publishing));
        }
    }

    @Override
    public CompletableFuture<Long> write(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Empty metadata batch"));
        }
        List<MetadataRecord> batch = List.copyOf(records);
        return handOff(driver.call(() -> appendNow(batch)).thenCompose(f -> f));
    }

    /** On the Raft thread: refuses what would not replay, then appends as one entry. */
    private CompletableFuture<Long> appendNow(List<MetadataRecord> batch) {
        if (!active) {
            throw new NotControllerException("Node " + self + " is not the active controller (the leader is "
                    + driver.node().leaderId() + ")");
        }
        MetadataDelta.replay(image, batch, image.offset() + 1);
        byte[] entry = MetadataRecordBatch.newBuilder().addAllRecords(batch).build().toByteArray();
        CompletableFuture<Long> appended = driver.node().append(List.of(entry));
        driver.node().tick(driver.now());
        return appended.exceptionallyCompose(e -> CompletableFuture.failedFuture(
                e instanceof NotLeaderException ? new NotControllerException(e.getMessage()) : e));
    }

    /** Completes the caller's future on the callback thread, never on the Raft thread; failed on close. */
    private <T> CompletableFuture<T> handOff(CompletableFuture<T> inner) {
        CompletableFuture<T> outer = new CompletableFuture<>();
        if (closed) {
            outer.completeExceptionally(new IllegalStateException("The metadata backend is closed"));
            return outer;
        }
        outstanding.add(outer);
        // Through the publishing thread first: an entry's image is queued there before its append
        // completes, so by the time the caller hears of the commit every listener has seen it.
        inner.whenComplete((value, error) -> afterPublishing(() -> onCallbackThread(() -> {
            outstanding.remove(outer);
            if (error != null) {
                outer.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error);
            } else {
                outer.complete(value);
            }
        })));
        return outer;
    }

    @Override
    public boolean isActiveController() {
        return active;
    }

    @Override
    public CompletableFuture<ApiMessage> forwardToController(ApiKeys api, ApiMessage request) {
        CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        driver.execute(() -> {
            forwarder.add(api, request, result, driver.now());
            afterStep();
        });
        return handOff(result);
    }

    @Override
    public void serveControllerRequests(ControllerRequestHandler handler) {
        // Off the Raft thread: the handler may itself wait on this backend (a write, DescribeQuorum).
        this.controllerRequests = (api, request) -> CompletableFuture
                .supplyAsync(() -> handler.handle(api, request), callbacks).thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<Void> addVoter(QuorumVoter voter, long timeoutMs) {
        Voter raftVoter = raftVoter(voter);
        return changeVoters(() -> driver.node().addVoter(raftVoter), System.currentTimeMillis() + timeoutMs);
    }

    @Override
    public CompletableFuture<Void> updateVoter(QuorumVoter voter, long timeoutMs) {
        Voter raftVoter = raftVoter(voter);
        return changeVoters(() -> driver.node().updateVoter(raftVoter), System.currentTimeMillis() + timeoutMs);
    }

    private static Voter raftVoter(QuorumVoter voter) {
        return new Voter(voter.id(), voter.directoryId(), voter.endpoints().stream()
                .map(e -> new Voter.Endpoint(e.listenerName(), QuorumBootstrap.address(e.host(), e.port()))).toList());
    }

    @Override
    public CompletableFuture<Void> removeVoter(int voterId, String directoryId, long timeoutMs) {
        return changeVoters(() -> driver.node().removeVoter(voterId, directoryId),
                System.currentTimeMillis() + timeoutMs);
    }

    /**
     * Runs a voter change on the Raft thread; while the previous change or the new voter's catching up is
     * under way it tries again until the deadline, as Kafka's leader waits within the request's timeout.
     */
    private CompletableFuture<Void> changeVoters(Supplier<CompletableFuture<Void>> change,
            long deadline) {
        return handOff(driver.call(change::get).thenCompose(f -> f).handle((ok, error) -> {
            if (error == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (VoterChangeErrors.retriable(cause) && System.currentTimeMillis() + VOTER_CHANGE_RETRY_MS < deadline
                    && !closed) {
                return CompletableFuture.supplyAsync(() -> null,
                        CompletableFuture.delayedExecutor(VOTER_CHANGE_RETRY_MS, TimeUnit.MILLISECONDS))
                        .thenCompose(x -> changeVoters(change, deadline));
            }
            return CompletableFuture.<Void>failedFuture(VoterChangeErrors.toKafka(cause));
        }).thenCompose(f -> f));
    }

    @Override
    public List<QuorumVoter> quorumVoters() {
        return voterSet.voters().values().stream().map(v -> new QuorumVoter(v.id(),
                v.directoryId().isEmpty() ? Uuid.ZERO_UUID.toString() : v.directoryId(),
                v.endpoints().stream().map(e -> {
                    Address a = Address.parse(e.address());
                    return new BrokerEndpoint(e.listener(), a.host(), a.port(), "PLAINTEXT");
                }).toList())).toList();
    }

    @Override
    public boolean shareControllerListener(BiConsumer<NetSocket, Buffer> kafkaConnections) {
        if (transport == null || settings.listenAddress().isEmpty()) {
            return false;
        }
        transport.shareListener(kafkaConnections);
        return true;
    }

    @Override
    public CompletableFuture<DescribeQuorumResponseData> describeQuorum() {
        return handOff(driver.call(() -> driver.node().quorumStatus()
                .map(status -> QuorumDescription.of(status, System.currentTimeMillis()))
                .orElseThrow(() -> new NotControllerException("Node " + self
                        + " does not lead the metadata quorum (the leader is " + driver.node().leaderId() + ")"))));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        active = false;
        if (transport != null) {
            transport.close();
        }
        driver.close();
        if (log != null) {
            log.close();
        }
        IllegalStateException cause = new IllegalStateException("The metadata backend is closed");
        caughtUp.completeExceptionally(cause);
        outstanding.forEach(f -> f.completeExceptionally(cause));
        publishing.shutdown();
        callbacks.shutdown();
    }

    // ---------------------------------------------------------------- Raft thread

    /** From the transport's event loop: queue onto the Raft thread, in arrival order. */
    private void onInbound(RaftCodec.Decoded decoded) {
        if (decoded instanceof RaftCodec.Raft raft) {
            RaftMessage message = raft.message();
            if (message instanceof RaftMessage.FetchResponse r && r.error() == RaftMessage.Error.NONE) {
                driver.execute(() -> {
                    if (catchUpTarget < 0) {
                        catchUpTarget = r.highWatermark();
                    }
                });
            }
            driver.deliver(message);
        } else if (decoded instanceof RaftCodec.Application app) {
            driver.execute(() -> onApplication(app));
        }
    }

    /** After every step of the node: follow leadership, decide "active", finish catching up, forward. */
    private void afterStep() {
        RaftNode node = driver.node();
        if (node == null || closed) {
            return;
        }
        if (node.role() != lastRole || node.epoch() != lastEpoch) {
            lastRole = node.role();
            lastEpoch = node.epoch();
            LOG.infof("Metadata quorum member %d is %s in epoch %d (leader %d)", self, lastRole, lastEpoch,
                    node.leaderId());
        }
        if (node.role() == Role.LEADER && leaderEpochSeen != node.epoch()) {
            leaderEpochSeen = node.epoch();
            epochStart = findEpochStart(node.epoch());
        }
        active = node.role() == Role.LEADER && node.highWatermark() > epochStart;
        int leader = node.leaderId();
        if (leader != -1 && leader != image.controllerId()) {
            publish(image.withControllerId(leader));
        }
        if (!caughtUp.isDone() && (active || (leader != -1 && catchUpTarget >= 0
                && node.highWatermark() >= catchUpTarget))) {
            if (!publishedOnce) {
                publish(image);
            }
            caughtUp.complete(null);
        }
        forwarder.onStep(leader, active, controllerRequests, driver.now());
        voterSet = node.voterSet();
        raftLeader = leader;
        raftEpoch = node.epoch();
        raftHighWatermark = node.highWatermark();
        raftLogEnd = log.endOffset();
    }

    /** Kafka's raft-metrics in our names: current leader and epoch, high watermark, log end, and whether this node leads. */
    @Override
    public Map<String, DoubleSupplier> gauges() {
        return Map.of("sluice.raft.current.leader", () -> raftLeader,
                "sluice.raft.current.epoch", () -> raftEpoch,
                "sluice.raft.high.watermark", () -> raftHighWatermark,
                "sluice.raft.log.end.offset", () -> raftLogEnd,
                "sluice.raft.high.watermark.lag", () -> Math.max(0, raftLogEnd - raftHighWatermark));
    }

    /** The offset of the leader-change entry that opened our epoch: the last control entry of it. */
    private long findEpochStart(int epoch) {
        for (long o = log.endOffset() - 1; o >= log.startOffset(); o--) {
            LogEntry e = log.entry(o);
            if (e.control() && e.epoch() == epoch) {
                return o;
            }
        }
        return Long.MAX_VALUE;
    }

    private void publish(MetadataImage next) {
        image = next;
        publishedOnce = true;
        afterPublishing(() -> publisher.publish(next));
    }

    private void onApplication(RaftCodec.Application app) {
        try {
            switch (app.kind()) {
                case ControllerForwarder.REQUEST ->
                        onControllerRequest(app.from(), ControllerRequestEnvelope.parseFrom(app.payload()));
                case ControllerForwarder.RESPONSE ->
                        forwarder.onResponse(ControllerResponseEnvelope.parseFrom(app.payload()));
                default -> LOG.debugf("Node %d: ignoring application message %s from %d", (Object) self, app.kind(), app.from());
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            LOG.warnf("Node %d: bad %s message from node %d: %s", self, app.kind(), app.from(), e.toString());
        }
    }

    /** Controller side of forwarding: answer with the response, or with why there is none. */
    private void onControllerRequest(int from, ControllerRequestEnvelope envelope) {
        ControllerRequestHandler handler = controllerRequests;
        CompletableFuture<ApiMessage> answer;
        if (!active || handler == null) {
            answer = CompletableFuture.failedFuture(new NotControllerException("Node " + self
                    + " is not the active controller (the leader is " + driver.node().leaderId() + ")"));
        } else {
            try {
                answer = handler.handle(ControllerEnvelopes.api(envelope), ControllerEnvelopes.requestBody(envelope));
            } catch (RuntimeException e) {
                answer = CompletableFuture.failedFuture(new InvalidRequestException(
                        "Cannot read the forwarded request: " + e.getMessage()));
            }
        }
        answer.whenComplete((response, error) -> transport.sendApplication(from, ControllerForwarder.RESPONSE,
                (error != null ? ControllerEnvelopes.failure(envelope.getCorrelationId(), error)
                        : ControllerEnvelopes.response(envelope, response)).toByteArray()));
    }

    /** Applies committed entries and snapshots to the image, on the Raft thread, in log order. */
    private final class Applier implements RaftListener {
        @Override
        public void onCommit(long offset, byte[] record) {
            MetadataRecordBatch batch;
            try {
                batch = MetadataRecordBatch.parseFrom(record);
            } catch (InvalidProtocolBufferException e) {
                LOG.errorf("Metadata entry at offset %d is not a record batch; skipped: %s", offset, e.getMessage());
                return;
            }
            try {
                publish(MetadataDelta.replay(image, batch.getRecordsList(), offset));
            } catch (IllegalStateException e) {
                // Every node skips the same batch (same image, same records), so images stay equal.
                LOG.errorf("Metadata batch at offset %d does not replay; skipped: %s", offset, e.getMessage());
            }
        }

        @Override
        public void onLoadSnapshot(long endOffset, byte[] state) {
            MetadataRecordBatch batch;
            try {
                batch = MetadataRecordBatch.parseFrom(state);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("Metadata snapshot ending at " + endOffset + " is corrupt", e);
            }
            MetadataImage base = MetadataImage.empty(clusterId).withControllerId(image.controllerId());
            publish(MetadataDelta.replay(base, batch.getRecordsList(), endOffset - 1));
        }

        @Override
        public byte[] takeSnapshot() {
            return MetadataRecordBatch.newBuilder().addAllRecords(ImageRecords.of(image)).build().toByteArray();
        }
    }

    private void onCallbackThread(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: outstanding futures were failed by close()
        }
    }

    /** Runs after everything already queued for the listeners; dropped once closed. */
    private void afterPublishing(Runnable task) {
        try {
            publishing.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: outstanding futures were failed by close()
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
