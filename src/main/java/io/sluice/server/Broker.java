package io.sluice.server;

import io.sluice.controller.Controller;
import io.sluice.log.LogManager;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataBackend;
import io.sluice.network.KafkaListener;
import io.sluice.network.ListenerSettings;
import io.sluice.protocol.RequestDispatcher;
import io.sluice.replica.AppendWatchers;
import io.sluice.replica.ReplicaManager;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ListenerConfig;
import io.sluice.server.config.MetadataMode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One Sluice node: boots the parts in dependency order (storage, metadata, controller, replicas,
 * listeners) and stops them in reverse. Plain Java, so tests can run several in one JVM.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Broker.class);
    private static final long UNFENCE_TIMEOUT_SECONDS = 60;

    private final BrokerConfig config;
    private final Vertx vertx;
    private final Map<String, Integer> boundPorts = new LinkedHashMap<>();
    private final List<KafkaListener> listeners = new ArrayList<>();
    private BrokerParts parts;
    private BrokerLifecycle lifecycle;
    private volatile boolean started;

    private final MeterRegistry meters;

    public Broker(BrokerConfig config, Vertx vertx, MeterRegistry meters) {
        this.config = config;
        this.vertx = vertx;
        this.meters = meters;
    }

    /** Starts every part; blocks until the listeners are bound. Not for an event loop thread. */
    public synchronized void start() {
        long t0 = System.nanoTime();
        requirePlaintextListeners();
        parts = BrokerParts.assemble(config, meters, vertx);
        for (ListenerConfig listener : config.listeners()) {
            ListenerSettings settings = new ListenerSettings(listener.name(),
                    config.securityProtocolFor(listener.name()).name, listener.host(), listener.port(),
                    config.getInt("socket.request.max.bytes"), config.getLong("queued.max.request.bytes"),
                    config.getInt("queued.max.requests"), config.getLong("connections.max.idle.ms"));
            if (config.controllerListenerNames().contains(listener.name())) {
                // Bound by the metadata backend, which serves the Raft quorum there and hands over the
                // connections that speak Kafka (kafka-metadata-quorum --bootstrap-controller).
                boolean quorumListener = listener.name().equals(config.controllerListenerNames().get(0));
                parts.controllerDispatcher().filter(d -> quorumListener).ifPresent(dispatcher -> {
                    KafkaListener shared = new KafkaListener(vertx, settings, dispatcher, meters);
                    if (parts.backend().shareControllerListener(shared::adopt)) {
                        listeners.add(shared);
                    }
                });
                continue;
            }
            KafkaListener kafkaListener = new KafkaListener(vertx, settings, parts.dispatcher(), meters);
            int port = await(kafkaListener.start());
            listeners.add(kafkaListener);
            boundPorts.put(listener.name(), port);
        }
        if (isBroker()) {
            long epoch = parts.registerSelf(advertisedEndpoints());
            if (config.metadataMode() == MetadataMode.KRAFT) {
                startHeartbeats(epoch);
            }
        }
        started = true;
        LOG.infof("Sluice node %d started in %d ms (cluster %s)", config.nodeId(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), parts.backend().image().clusterId());
    }

    /**
     * Heartbeats to the active controller from the registration on, and waits, as Kafka's broker does, for
     * the controller to unfence this broker (it has caught up with the metadata) before serving as started;
     * until this node's own metadata shows it, so a started broker is a ready one.
     */
    private void startHeartbeats(long brokerEpoch) {
        CompletableFuture<Void> unfenced = new CompletableFuture<>();
        parts.backend().addListener((previous, next) -> {
            BrokerImage self = next.brokers().get(config.nodeId());
            if (self != null && self.epoch() == brokerEpoch && !self.fenced()) {
                unfenced.complete(null);
            }
        });
        lifecycle = new BrokerLifecycle(config.nodeId(), brokerEpoch, () -> parts.backend().image().offset(),
                parts.heartbeatChannel(), config.getInt("broker.heartbeat.interval.ms"));
        lifecycle.start();
        try {
            unfenced.get(UNFENCE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Broker " + config.nodeId() + " was not unfenced by the controller within "
                    + UNFENCE_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Controlled shutdown: the controller moves this broker's leadership to other replicas before it stops.
     * Bounded by broker.session.timeout.ms: past that, an unreachable controller would fence the broker anyway.
     */
    private void controlledShutdown() {
        long boundMs = config.getInt("broker.session.timeout.ms");
        try {
            lifecycle.beginControlledShutdown().get(boundMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("Broker %d: no controlled shutdown within %d ms (no controller reachable?); stopping anyway",
                    config.nodeId(), boundMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("Broker %d: controlled shutdown failed: %s", config.nodeId(), e.getCause());
        }
    }

    /** TLS and SASL are not built yet: serving such a listener in clear text would be a silent downgrade. */
    private void requirePlaintextListeners() {
        for (ListenerConfig listener : config.listeners()) {
            SecurityProtocol protocol = config.securityProtocolFor(listener.name());
            if (protocol != SecurityProtocol.PLAINTEXT) {
                throw new ConfigException("listener.security.protocol.map", protocol.name,
                        "listener " + listener.name() + " uses " + protocol.name + ", but only PLAINTEXT listeners are supported yet");
            }
        }
    }

    /** The endpoints clients are told about; a configured port 0 is replaced by the bound port. */
    private List<BrokerEndpoint> advertisedEndpoints() {
        List<BrokerEndpoint> endpoints = new ArrayList<>();
        for (ListenerConfig advertised : config.advertisedListeners()) {
            Integer bound = boundPorts.get(advertised.name());
            if (bound == null) {
                continue;
            }
            String host = advertised.bindsAllInterfaces() ? "localhost" : advertised.host();
            int port = advertised.port() == 0 ? bound : advertised.port();
            endpoints.add(new BrokerEndpoint(advertised.name(), host, port,
                    config.securityProtocolFor(advertised.name()).name));
        }
        return endpoints;
    }

    /**
     * Whether this node serves clients: a kraft node with the broker role, or any ZooKeeper-mode node.
     * A controller-only node never registers as a broker, so nothing is ever placed on it.
     */
    public boolean isBroker() {
        return config.processRoles().isEmpty() || config.processRoles().contains("broker");
    }

    public int nodeId() {
        return config.nodeId();
    }

    public boolean isStarted() {
        return started;
    }

    public int boundPort(String listenerName) {
        Integer port = boundPorts.get(listenerName);
        if (port == null) {
            throw new IllegalArgumentException("no listener named " + listenerName);
        }
        return port;
    }

    public BrokerParts parts() {
        return parts;
    }

    @Override
    public synchronized void close() {
        started = false;
        if (lifecycle != null) {
            if (config.getBoolean("controlled.shutdown.enable")) {
                controlledShutdown();
            }
            lifecycle.close();
            lifecycle = null;
        }
        for (KafkaListener listener : listeners) {
            try {
                await(listener.stop());
            } catch (RuntimeException e) {
                LOG.warnf("Could not close a listener cleanly: %s", e.getMessage());
            }
        }
        listeners.clear();
        if (parts != null) {
            parts.close();
            parts = null;
        }
        LOG.infof("Sluice node %d stopped", config.nodeId());
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause().getMessage() : e.getMessage(), e);
        }
    }
}
