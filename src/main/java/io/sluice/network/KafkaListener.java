package io.sluice.network;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.impl.NetSocketInternal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** One Kafka listener (e.g. PLAINTEXT://:9092): a Vert.x TCP server feeding frames to the request processor. */
public final class KafkaListener {
    private static final Logger LOG = Logger.getLogger(KafkaListener.class);

    private final Vertx vertx;
    private final ListenerSettings settings;
    private final RequestProcessor processor;
    private final Set<KafkaConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private volatile NetServer server;

    public KafkaListener(Vertx vertx, ListenerSettings settings, RequestProcessor processor, MeterRegistry meters) {
        this.vertx = vertx;
        this.settings = settings;
        this.processor = processor;
        Gauge.builder("sluice.connections", connections, Set::size).tag("listener", settings.name()).register(meters);
    }

    /** Binds the port; completes with the bound port (useful when the configured port is 0). */
    public Future<Integer> start() {
        NetServerOptions options = new NetServerOptions()
                .setHost(settings.host() == null || settings.host().isEmpty() ? "0.0.0.0" : settings.host())
                .setPort(settings.port())
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectionsMaxIdleMs()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        NetServer netServer = vertx.createNetServer(options);
        netServer.connectHandler(socket -> {
            KafkaConnection connection = new KafkaConnection(socket, vertx.getOrCreateContext(), settings, processor,
                    settings.name() + "-" + connectionIds.incrementAndGet());
            connections.add(connection);
            connection.start(() -> connections.remove(connection));
        });
        return netServer.listen().map(s -> {
            server = s;
            LOG.infof("Listener %s (%s) bound to %s:%d", settings.name(), settings.securityProtocol(),
                    options.getHost(), s.actualPort());
            return s.actualPort();
        });
    }

    /**
     * Serves a connection accepted elsewhere, with the bytes already read from it: the controller listener's
     * port is bound by the Raft transport, which hands over the connections that speak Kafka.
     */
    public void adopt(NetSocket socket, Buffer alreadyRead) {
        // The Raft transport's server accepted it, and its options carry no idle timeout (Raft connections
        // stay open): connections.max.idle.ms applies here as the listener's own server applies it, by the
        // same Netty handler, whose idle event Vert.x answers by closing the connection.
        ((NetSocketInternal) socket).channelHandlerContext().pipeline().addFirst("kafka-idle",
                new IdleStateHandler(0, 0, settings.connectionsMaxIdleMs(), TimeUnit.MILLISECONDS));
        KafkaConnection connection = new KafkaConnection(socket, vertx.getOrCreateContext(), settings, processor,
                settings.name() + "-" + connectionIds.incrementAndGet());
        connections.add(connection);
        connection.start(() -> connections.remove(connection), alreadyRead);
    }

    public int connectionCount() {
        return connections.size();
    }

    public Future<Void> stop() {
        NetServer s = server;
        connections.forEach(KafkaConnection::close);
        return s == null ? Future.succeededFuture() : s.close();
    }
}
