package io.sluice.server;

import io.sluice.controller.Controller;
import io.sluice.controller.ControllerRequestRouter;
import io.sluice.controller.ControllerSettings;
import io.sluice.metadata.ControllerChannel;
import io.sluice.coordinator.InternalTopic;
import io.sluice.coordinator.group.ConsumerGroupConfig;
import io.sluice.coordinator.group.GroupConfig;
import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.coordinator.txn.ProducerIdManager;
import io.sluice.coordinator.txn.TransactionCoordinator;
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
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ConfigDescriber;
import io.sluice.server.config.TopicConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/** The broker's long-lived parts, created in dependency order and closed in reverse. */
public final class BrokerParts implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BrokerParts.class);

    private final BrokerConfig config;
    private final LogManager logs;
    private final MetadataBackend backend;
    private final Controller controller;
    private final ReplicaManager replicas;
    private final ExecutorService requestHandlers;
    private final ScheduledExecutorService timer;
    private final RequestDispatcher dispatcher;
    private final GroupCoordinator groupCoordinator;
    private final TransactionCoordinator transactionCoordinator;

    private BrokerParts(BrokerConfig config, LogManager logs, MetadataBackend backend, Controller controller,
                        ReplicaManager replicas, ExecutorService requestHandlers, ScheduledExecutorService timer,
                        RequestDispatcher dispatcher, GroupCoordinator groupCoordinator,
                        TransactionCoordinator transactionCoordinator) {
        this.config = config;
        this.logs = logs;
        this.backend = backend;
        this.controller = controller;
        this.replicas = replicas;
        this.requestHandlers = requestHandlers;
        this.timer = timer;
        this.dispatcher = dispatcher;
        this.groupCoordinator = groupCoordinator;
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
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("sluice-timer"));
        AppendWatchers watchers = new AppendWatchers(timer);
        ReplicaManager replicas = new ReplicaManager(nodeId, logs, topic -> logConfig(topic, dynamic.current()),
                topic -> minInsyncReplicas(topic, dynamic.current()), watchers, meters);
        backend.addListener(replicas);
        deleteStrayLogs(logs, replicas);
        logs.startup();
        GroupCoordinator groupCoordinator = groupCoordinator(config, backend, controllerChannel, replicas, timer);
        backend.addListener(groupCoordinator.metadataListener());
        TransactionCoordinator transactionCoordinator = transactionCoordinator(config, backend, controllerChannel,
                replicas, timer, groupCoordinator);
        backend.addListener(transactionCoordinator.metadataListener());
        ExecutorService requestHandlers = Executors.newFixedThreadPool(config.getInt("num.io.threads"),
                daemon("sluice-request-handler"));
        HandlerRegistry registry = BrokerApis.registry(config, backend, controllerChannel, replicas, requestHandlers,
                groupCoordinator, transactionCoordinator);
        RequestDispatcher dispatcher = new RequestDispatcher(registry, requestHandlers,
                new RequestMetrics(meters, registry));
        Gauge.builder("sluice.controller.active", backend, b -> b.isActiveController() ? 1 : 0).register(meters);
        return new BrokerParts(config, logs, backend, controller, replicas, requestHandlers, timer, dispatcher,
                groupCoordinator, transactionCoordinator);
    }

    /**
     * The transaction coordinator over __transaction_state (created on first use like __consumer_offsets). Markers
     * that reach __consumer_offsets are handed to the group coordinator, which applies or drops the transaction's
     * offsets.
     */
    private static TransactionCoordinator transactionCoordinator(BrokerConfig config, MetadataBackend backend,
                                                                 ControllerChannel controller, ReplicaManager replicas,
                                                                 ScheduledExecutorService timer, GroupCoordinator groups) {
        InternalTopic stateTopic = new InternalTopic(TransactionCoordinator.TRANSACTION_STATE_TOPIC,
                config.getInt("transaction.state.log.num.partitions"),
                (short) config.getInt("transaction.state.log.replication.factor"),
                Map.of("cleanup.policy", "compact", "compression.type", "uncompressed",
                        "min.insync.replicas", String.valueOf(config.getInt("transaction.state.log.min.isr")),
                        "segment.bytes", String.valueOf(config.getInt("transaction.state.log.segment.bytes")),
                        "unclean.leader.election.enable", "false"),
                backend::image, controller);
        TransactionMarkerWriter markers = new TransactionMarkerWriter(replicas, backend::image,
                (tp, producerId, committed) -> tp.topic().equals(GroupCoordinator.OFFSETS_TOPIC)
                        ? groups.completeTransaction(tp.partition(), producerId, committed)
                        : CompletableFuture.completedFuture(null));
        ProducerIdManager producerIds = new ProducerIdManager(() -> reserveProducerIds(controller, config.nodeId()));
        return new TransactionCoordinator(replicas, stateTopic, producerIds, markers, timer,
                config.getInt("transaction.max.timeout.ms"),
                config.getInt("transaction.abort.timed.out.transaction.cleanup.interval.ms"));
    }

    private static CompletableFuture<ProducerIdManager.Block> reserveProducerIds(ControllerChannel controller,
                                                                                 int nodeId) {
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
                                                     ControllerChannel controller,
                                                     ReplicaManager replicas, ScheduledExecutorService timer) {
        InternalTopic offsetsTopic = new InternalTopic(GroupCoordinator.OFFSETS_TOPIC,
                config.getInt("offsets.topic.num.partitions"), (short) config.getInt("offsets.topic.replication.factor"),
                Map.of("cleanup.policy", "compact", "compression.type", "producer"), backend::image, controller);
        GroupConfig groupConfig = new GroupConfig(config.getInt("group.min.session.timeout.ms"),
                config.getInt("group.max.session.timeout.ms"), config.getInt("group.initial.rebalance.delay.ms"),
                config.getInt("group.max.size"), TimeUnit.MINUTES.toMillis(config.getInt("offsets.retention.minutes")),
                config.getLong("offsets.retention.check.interval.ms"),
                config.getInt("offset.metadata.max.bytes"));
        ConsumerGroupConfig consumerConfig = new ConsumerGroupConfig(config.getInt("group.consumer.session.timeout.ms"),
                config.getInt("group.consumer.heartbeat.interval.ms"), config.getInt("group.consumer.max.size"),
                config.getList("group.consumer.assignors"));
        return new GroupCoordinator(replicas, offsetsTopic, timer, groupConfig, consumerConfig, backend::image,
                Math.min(4, Runtime.getRuntime().availableProcessors()));
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

    private static ControllerSettings controllerSettings(BrokerConfig config) {
        return new ControllerSettings(config.nodeId(), config.getInt("num.partitions"),
                (short) config.getInt("default.replication.factor"), config.getBoolean("delete.topic.enable"));
    }

    /**
     * Registers this broker with the active controller: through the metadata quorum when the backend
     * carries registrations (the active controller may be another node), else through the local controller.
     */
    void registerSelf(List<BrokerEndpoint> endpoints) {
        String rack = config.getString("broker.rack");
        backend.announceBroker(config.nodeId(), endpoints, rack)
                .orElseGet(() -> controller.registerBroker(config.nodeId(), endpoints, rack))
                .join();
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

    RequestDispatcher dispatcher() {
        return dispatcher;
    }

    static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
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
        timer.shutdownNow();
        controller.close();
        backend.close();
        logs.shutdown();
    }
}
