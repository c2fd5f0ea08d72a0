package io.sluice.server;

import io.sluice.controller.Controller;
import io.sluice.controller.ControllerRequestRouter;
import io.sluice.controller.ControllerSchedule;
import io.sluice.controller.ControllerSettings;
import io.sluice.metadata.ControllerChannel;
import io.sluice.server.config.MetadataMode;
import java.util.Optional;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import io.sluice.coordinator.InternalTopic;
import io.sluice.coordinator.group.ConsumerGroupConfig;
import io.sluice.coordinator.group.GroupConfig;
import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.coordinator.txn.ProducerIdManager;
import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.coordinator.DaemonThreads;
import io.sluice.coordinator.txn.TransactionalIdExpiry;
import io.sluice.coordinator.txn.LeaderMarkerAppender;
import io.sluice.coordinator.txn.TransactionMarkerWriter;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.MetadataBackends;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.HandlerRegistry;
import io.sluice.protocol.RequestDispatcher;
import io.sluice.protocol.RequestMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.sluice.replica.AppendWatchers;
import io.sluice.replica.ReplicaManager;
import io.sluice.replica.ReplicationSettings;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ConfigDescriber;
import io.sluice.server.config.TopicConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** The broker's long-lived parts, created in dependency order and closed in reverse. */
public final class BrokerParts implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BrokerParts.class);
    private static final long REGISTRATION_TIMEOUT_SECONDS = 60;

    private final BrokerConfig config;
    private final LogManager logs;
    private final MetadataBackend backend;
    private final Controller controller;
    private final ControllerChannel controllerChannel;
    private final ReplicaManager replicas;
    private final ExecutorService requestHandlers;
    private final ScheduledExecutorService timer;
    private final RequestDispatcher dispatcher;
    /** Kafka requests on the controller listener (kraft controllers only). */
    private final Optional<RequestDispatcher> controllerDispatcher;
    private final GroupCoordinator groupCoordinator;
    private final Optional<ControllerSchedule> controllerSchedule;
    private final TransactionCoordinator transactionCoordinator;

    private BrokerParts(BrokerConfig config, LogManager logs, MetadataBackend backend, Controller controller,
                        ControllerChannel controllerChannel, ReplicaManager replicas, ExecutorService requestHandlers,
                        ScheduledExecutorService timer, RequestDispatcher dispatcher, GroupCoordinator groupCoordinator,
                        Optional<ControllerSchedule> controllerSchedule, TransactionCoordinator transactionCoordinator,
                        Optional<RequestDispatcher> controllerDispatcher) {
        this.config = config;
        this.logs = logs;
        this.backend = backend;
        this.controller = controller;
        this.controllerChannel = controllerChannel;
        this.replicas = replicas;
        this.requestHandlers = requestHandlers;
        this.timer = timer;
        this.dispatcher = dispatcher;
        this.controllerDispatcher = controllerDispatcher;
        this.groupCoordinator = groupCoordinator;
        this.controllerSchedule = controllerSchedule;
        this.transactionCoordinator = transactionCoordinator;
    }

    static BrokerParts assemble(BrokerConfig config, MeterRegistry meters, Vertx vertx) {
        int nodeId = config.nodeId();
        MetadataBackend backend = MetadataBackends.open(config, vertx);
        backend.start();
        DynamicBrokerConfig dynamic = new DynamicBrokerConfig(config, backend::image);
        LogManager logs = LogManagerFactory.create(config);
        logs.loadAll(tp -> backend.image().topic(tp.topic()).map(t -> logConfig(t, dynamic.current()))
                .orElseGet(() -> LogConfig.fromMap(TopicConfigs.effective(Map.of(), dynamic.current()))));
        Controller controller = new Controller(controllerSettings(config), backend,
                TopicConfigs::validate, ConfigDescriber::validateBrokerDynamic);
        ControllerChannel controllerChannel = new ControllerChannel(backend, new ControllerRequestRouter(controller, backend));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sluice-timer"));
        AppendWatchers watchers = new AppendWatchers(timer);
        ReplicaManager replicas = new ReplicaManager(nodeId, logs, topic -> logConfig(topic, dynamic.current()),
                topic -> minInsyncReplicas(topic, dynamic.current()), watchers, meters, replicationSettings(config),
                controllerChannel, timer);
        backend.addListener(replicas);
        deleteStrayLogs(logs, replicas);
        logs.startup();
        GroupCoordinator groupCoordinator = groupCoordinator(config, backend, controllerChannel, replicas, timer,
                meters);
        backend.addListener(groupCoordinator.metadataListener());
        LeaderMarkerAppender markerAppender = new LeaderMarkerAppender(replicas, backend::image,
                (tp, producerId, committed) -> tp.topic().equals(GroupCoordinator.OFFSETS_TOPIC)
                        ? groupCoordinator.completeTransaction(tp.partition(), producerId, committed)
                        : CompletableFuture.completedFuture(null));
        TransactionCoordinator transactionCoordinator = transactionCoordinator(config, backend, controllerChannel,
                replicas, timer, markerAppender);
        backend.addListener(transactionCoordinator.metadataListener());
        ExecutorService requestHandlers = Executors.newFixedThreadPool(config.getInt("num.io.threads"),
                DaemonThreads.named("sluice-request-handler"));
        HandlerRegistry registry = BrokerApis.registry(config, backend, controllerChannel, replicas, requestHandlers,
                groupCoordinator, transactionCoordinator, markerAppender);
        RequestDispatcher dispatcher = new RequestDispatcher(registry, requestHandlers,
                new RequestMetrics(meters, registry));
        Gauge.builder("sluice.controller.active", backend, b -> b.isActiveController() ? 1 : 0).register(meters);
        // Strong references: Micrometer holds a gauge's object weakly, and nothing else keeps these suppliers.
        backend.gauges().forEach((name, value) -> Gauge.builder(name, value, DoubleSupplier::getAsDouble)
                .strongReference(true).register(meters));
        Optional<RequestDispatcher> controllerDispatcher = Optional.empty();
        if (config.metadataMode() == MetadataMode.KRAFT && config.processRoles().contains("controller")) {
            HandlerRegistry controllerApis = ControllerApis.registry(backend, controllerChannel);
            controllerDispatcher = Optional.of(new RequestDispatcher(controllerApis, requestHandlers,
                    new RequestMetrics(meters, controllerApis)));
        }
        return new BrokerParts(config, logs, backend, controller, controllerChannel, replicas, requestHandlers, timer,
                dispatcher, groupCoordinator, controllerSchedule(config, controller), transactionCoordinator,
                controllerDispatcher);
    }

    /**
     * The controller's periodic work (broker liveness, leader rebalance): on a kraft controller, and on
     * every zk-mode broker (each may become the controller).
     */
    private static Optional<ControllerSchedule> controllerSchedule(BrokerConfig config, Controller controller) {
        boolean rebalance = config.getBoolean("auto.leader.rebalance.enable");
        long rebalanceMs = TimeUnit.SECONDS.toMillis(config.getLong("leader.imbalance.check.interval.seconds"));
        if (config.metadataMode() == MetadataMode.ZK) {
            return Optional.of(ControllerSchedule.registrations(controller, rebalance, rebalanceMs));
        }
        if (config.metadataMode() != MetadataMode.KRAFT || !config.processRoles().contains("controller")) {
            return Optional.empty();
        }
        return Optional.of(ControllerSchedule.heartbeats(controller, config.getInt("broker.session.timeout.ms"),
                rebalance, rebalanceMs));
    }

    /**
     * The transaction coordinator over __transaction_state (created on first use like __consumer_offsets). Markers
     * of partitions led here go through {@code markerAppender}, which hands those that reach __consumer_offsets to
     * the group coordinator (it applies or drops the transaction's offsets); the others are sent to their leaders.
     */
    private static TransactionCoordinator transactionCoordinator(BrokerConfig config, MetadataBackend backend,
                                                                 ControllerChannel controller, ReplicaManager replicas,
                                                                 ScheduledExecutorService timer,
                                                                 LeaderMarkerAppender markerAppender) {
        InternalTopic stateTopic = new InternalTopic(TransactionCoordinator.TRANSACTION_STATE_TOPIC,
                config.getInt("transaction.state.log.num.partitions"),
                (short) config.getInt("transaction.state.log.replication.factor"),
                Map.of("cleanup.policy", "compact", "compression.type", "uncompressed",
                        "min.insync.replicas", String.valueOf(config.getInt("transaction.state.log.min.isr")),
                        "segment.bytes", String.valueOf(config.getInt("transaction.state.log.segment.bytes")),
                        "unclean.leader.election.enable", "false"),
                backend::image, controller);
        TransactionMarkerWriter markers = new TransactionMarkerWriter(config.nodeId(), backend::image, markerAppender,
                config.interBrokerListenerName(), config.getInt("request.timeout.ms"));
        ProducerIdManager producerIds = new ProducerIdManager(() -> reserveProducerIds(backend, controller, config.nodeId()));
        return new TransactionCoordinator(replicas, stateTopic, producerIds, markers, timer,
                config.getInt("transaction.max.timeout.ms"),
                config.getInt("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
                config.getInt("request.timeout.ms"),
                new TransactionalIdExpiry(config.getInt("transactional.id.expiration.ms"),
                        config.getInt("transaction.remove.expired.transaction.cleanup.interval.ms")));
    }

    /** A block of producer ids: taken by this broker itself where the backend allows it (zk), else from the controller. */
    private static CompletableFuture<ProducerIdManager.Block> reserveProducerIds(MetadataBackend backend,
                                                                                 ControllerChannel controller,
                                                                                 int nodeId) {
        int size = Controller.PRODUCER_ID_BLOCK_SIZE;
        Optional<CompletableFuture<Long>> own = backend.allocateProducerIds(nodeId, size);
        if (own.isPresent()) {
            return own.get().thenApply(first -> new ProducerIdManager.Block(first, size));
        }
        return controller.send(ApiKeys.ALLOCATE_PRODUCER_IDS, new AllocateProducerIdsRequestData().setBrokerId(nodeId))
                .thenApply(message -> {
                    AllocateProducerIdsResponseData response = (AllocateProducerIdsResponseData) message;
                    if (response.errorCode() != Errors.NONE.code()) {
                        throw Errors.forCode(response.errorCode()).exception();
                    }
                    return new ProducerIdManager.Block(response.producerIdStart(), response.producerIdLen());
                });
    }

    /** The group coordinator over __consumer_offsets, created through the controller on first use. */
    private static GroupCoordinator groupCoordinator(BrokerConfig config, MetadataBackend backend,
                                                     ControllerChannel controller, ReplicaManager replicas,
                                                     ScheduledExecutorService timer, MeterRegistry meters) {
        InternalTopic offsetsTopic = new InternalTopic(GroupCoordinator.OFFSETS_TOPIC,
                config.getInt("offsets.topic.num.partitions"), (short) config.getInt("offsets.topic.replication.factor"),
                Map.of("cleanup.policy", "compact", "compression.type", "producer"), backend::image, controller);
        GroupConfig groupConfig = new GroupConfig(config.getInt("group.min.session.timeout.ms"),
                config.getInt("group.max.session.timeout.ms"), config.getInt("group.initial.rebalance.delay.ms"),
                config.getInt("group.max.size"), TimeUnit.MINUTES.toMillis(config.getInt("offsets.retention.minutes")),
                config.getLong("offsets.retention.check.interval.ms"),
                config.getInt("offset.metadata.max.bytes"), config.getInt("offsets.commit.timeout.ms"));
        ConsumerGroupConfig consumerConfig = new ConsumerGroupConfig(config.getInt("group.consumer.session.timeout.ms"),
                config.getInt("group.consumer.heartbeat.interval.ms"), config.getInt("group.consumer.max.size"),
                config.getList("group.consumer.assignors"));
        return new GroupCoordinator(replicas, offsetsTopic, timer, groupConfig, consumerConfig, backend::image,
                Math.min(4, Runtime.getRuntime().availableProcessors()), meters);
    }

    /** Logs on disk for partitions the metadata no longer places here (deleted while we were down). */
    private static void deleteStrayLogs(LogManager logs, ReplicaManager replicas) {
        for (var log : List.copyOf(logs.logs())) {
            if (replicas.partition(log.topicPartition()).isEmpty()) {
                LOG.infof("Deleting stray log %s: its topic no longer exists", log.topicPartition());
                logs.delete(log.topicPartition());
            }
        }
    }

    static LogConfig logConfig(TopicImage topic, BrokerConfig config) {
        return LogConfig.fromMap(TopicConfigs.effective(topic.configs(), config));
    }

    private static int minInsyncReplicas(TopicImage topic, BrokerConfig config) {
        String override = topic.configs().get("min.insync.replicas");
        return override != null ? Integer.parseInt(override) : config.getInt("min.insync.replicas");
    }

    private static ReplicationSettings replicationSettings(BrokerConfig config) {
        return new ReplicationSettings(config.getInt("replica.fetch.max.bytes"),
                config.getInt("replica.fetch.response.max.bytes"), config.getInt("replica.fetch.wait.max.ms"),
                config.getInt("replica.fetch.min.bytes"), config.getInt("replica.fetch.backoff.ms"),
                config.getInt("replica.socket.timeout.ms"), config.getInt("num.replica.fetchers"),
                config.getLong("replica.lag.time.max.ms"), config.getLong("replica.high.watermark.checkpoint.interval.ms"),
                config.interBrokerListenerName());
    }

    private static ControllerSettings controllerSettings(BrokerConfig config) {
        return new ControllerSettings(config.nodeId(), config.getInt("num.partitions"),
                (short) config.getInt("default.replication.factor"), config.getBoolean("delete.topic.enable"),
                config.getInt("broker.session.timeout.ms"), config.getInt("leader.imbalance.per.broker.percentage"),
                config.getBoolean("unclean.leader.election.enable"));
    }

    /**
     * Registers this broker and returns its broker epoch: through ZooKeeper in zk mode (the backend carries
     * registrations there), else with the active controller, wherever it runs, over the controller channel.
     */
    long registerSelf(List<BrokerEndpoint> endpoints) {
        String rack = config.getString("broker.rack");
        CompletableFuture<Long> epoch = backend.announceBroker(config.nodeId(), endpoints, rack)
                .orElseGet(() -> BrokerRegistration.register(controllerChannel, config.nodeId(),
                        backend.image().clusterId(), endpoints, rack));
        try {
            long brokerEpoch = epoch.get(REGISTRATION_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            replicas.brokerEpoch(brokerEpoch); // follower fetches carry it
            // As Kafka's brokers do at startup: a producer id block in hand outlives a later ZooKeeper outage.
            transactionCoordinator.reserveProducerIdsAhead();
            return brokerEpoch;
        } catch (java.util.concurrent.TimeoutException e) {
            epoch.cancel(false);
            throw new IllegalStateException("Broker " + config.nodeId() + " could not register with the controller within "
                    + REGISTRATION_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            epoch.cancel(false);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        }
    }

    /** Where this broker's heartbeats go: the active controller. */
    BrokerLifecycle.HeartbeatChannel heartbeatChannel() {
        return request -> controllerChannel.send(ApiKeys.BROKER_HEARTBEAT, request)
                .thenApply(response -> (BrokerHeartbeatResponseData) response);
    }

    /** The way to the active controller, wherever it runs (heartbeats, AlterPartition, forwarded admin requests). */
    public ControllerChannel controllerChannel() {
        return controllerChannel;
    }

    public MetadataBackend backend() {
        return backend;
    }

    public ReplicaManager replicas() {
        return replicas;
    }

    public LogManager logs() {
        return logs;
    }

    public Controller controller() {
        return controller;
    }

    public GroupCoordinator groupCoordinator() {
        return groupCoordinator;
    }

    Optional<RequestDispatcher> controllerDispatcher() {
        return controllerDispatcher;
    }

    RequestDispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public void close() {
        controllerSchedule.ifPresent(ControllerSchedule::close);
        requestHandlers.shutdown();
        try {
            if (!requestHandlers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Request handlers still busy after 10 s; stopping them");
                requestHandlers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transactionCoordinator.close();
        groupCoordinator.close();
        replicas.close();
        timer.shutdownNow();
        controller.close();
        backend.close();
        logs.shutdown();
    }
}
