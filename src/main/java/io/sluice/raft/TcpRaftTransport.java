package io.sluice.raft;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * {@link RaftTransport} over Vert.x TCP. A frame is a 4-byte length and a {@code RaftFrame} (raft.proto).
 *
 * <p>Outbound: one connection per known peer (the voters), opened on first send and reopened on
 * demand after a loss, with exponential backoff. Messages sent while a connection is being opened
 * wait in a small queue; anything else that cannot go out now is dropped, because Raft resends
 * whatever matters (fetches time out and retry, elections restart).
 *
 * <p>Inbound: connections accepted on the listen address; each remembers the node id of the frames
 * it carries, so replies to a node we have no address for (an observer) go back the way it came.
 * Frames read on either kind of connection are decoded on the event loop and handed to {@code inbound},
 * which must not block (the Raft driver only enqueues them on its own thread).
 *
 * <p>Sharing the port: a connection whose first frame is not a Raft frame (a Kafka request, whose api key
 * starts with a zero byte where every Raft frame starts with its version tag) is handed, with the bytes
 * read so far, to the {@link #shareListener foreign connection handler}, so the controller listener can
 * also answer Kafka's tools (KIP-853's {@code --bootstrap-controller}).
 *
 * <p>Threading: every piece of connection state lives on one Vert.x context; {@link #send} may be called
 * from any thread, encodes there and hops onto the context to write.
 */
public final class TcpRaftTransport implements RaftTransport, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TcpRaftTransport.class);
    /** Far above any snapshot chunk or fetch response we send; a larger length is garbage. */
    static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;
    private static final int MAX_QUEUED_WHILE_CONNECTING = 256;
    private static final long INITIAL_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 1000;
    /** The first byte of every serialized RaftFrame: the tag of field 1 (version), a varint. */
    private static final byte RAFT_FRAME_FIRST_BYTE = 0x08;

    /** A peer's address as written in controller.quorum.voters ({@code id@host:port}). */
    public record Address(String host, int port) {
        public static Address parse(String hostPort) {
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("expected host:port, got " + hostPort);
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new Address(host, Integer.parseInt(hostPort.substring(colon + 1)));
        }
    }

    private final Vertx vertx;
    private final Context context;
    private final int self;
    private final String clusterId;
    private final Consumer<RaftCodec.Decoded> inbound;
    private final NetClient client;
    private final Map<Integer, Peer> peers = new HashMap<>();
    /** Accepted connections by the node id they carry; written only on {@link #context}. */
    private final Map<Integer, NetSocket> accepted = new HashMap<>();
    private NetServer server;
    private volatile boolean closed;
    private volatile BiConsumer<NetSocket, Buffer> foreign;

    /** One outbound connection and what it needs to come back after a loss. Confined to the context. */
    private final class Peer {
        final int id;
        volatile Address address;
        NetSocket socket;
        boolean connecting;
        long backoffMs = INITIAL_BACKOFF_MS;
        long nextAttemptAt;
        final ArrayDeque<Buffer> queued = new ArrayDeque<>();

        Peer(int id, Address address) {
            this.id = id;
            this.address = address;
        }
    }

    public TcpRaftTransport(Vertx vertx, String clusterId, int self, Map<Integer, Address> peerAddresses,
            Consumer<RaftCodec.Decoded> inbound) {
        this.vertx = vertx;
        this.clusterId = clusterId;
        this.self = self;
        this.inbound = inbound;
        // An event-loop context of our own (a new one when created off Vert.x threads, as brokers and
        // tests do), so our state has one home whatever thread calls us.
        this.context = vertx.getOrCreateContext();
        this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000).setTcpNoDelay(true));
        peerAddresses.forEach((id, address) -> {
            if (id != self) {
                peers.put(id, new Peer(id, address));
            }
        });
    }

    /** Accepts connections on host:port (0 = ephemeral); completes with the bound port. */
    public Future<Integer> listen(String host, int port) {
        Promise<Integer> bound = Promise.promise();
        context.runOnContext(v -> {
            server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true));
            server.connectHandler(this::onAccepted);
            server.listen().onSuccess(s -> bound.complete(s.actualPort())).onFailure(bound::fail);
        });
        return bound.future();
    }

    /**
     * Accepted connections that do not speak Raft go to {@code handler} with the bytes already read;
     * without one they are closed as garbage.
     */
    public void shareListener(BiConsumer<NetSocket, Buffer> handler) {
        this.foreign = handler;
    }

    @Override
    public void updateAddresses(Map<Integer, String> addresses) {
        Map<Integer, Address> parsed = new HashMap<>();
        addresses.forEach((id, address) -> {
            try {
                parsed.put(id, Address.parse(address));
            } catch (IllegalArgumentException e) {
                LOG.warnf("Raft node %d: ignoring address '%s' of node %d: %s", self, address, id, e.getMessage());
            }
        });
        context.runOnContext(v -> parsed.forEach((id, address) -> {
            if (id == self || closed) {
                return;
            }
            Peer peer = peers.get(id);
            if (peer == null) {
                peers.put(id, new Peer(id, address));
            } else if (!peer.address.equals(address)) {
                peer.address = address;
                if (peer.socket != null) {
                    peer.socket.close(); // reconnects to the new address on the next send
                }
            }
        }));
    }

    @Override
    public void send(int to, RaftMessage message) {
        sendFrame(to, RaftCodec.encode(clusterId, message));
    }

    /** Sends an application message (not Raft) to a node; best effort like every other message. */
    public void sendApplication(int to, String kind, byte[] payload) {
        sendFrame(to, RaftCodec.encodeApplication(clusterId, self, kind, payload));
    }

    private void sendFrame(int to, byte[] frame) {
        if (closed) {
            return;
        }
        Buffer buffer = Buffer.buffer(4 + frame.length).appendInt(frame.length).appendBytes(frame);
        context.runOnContext(v -> write(to, buffer));
    }

    private void write(int to, Buffer frame) {
        if (closed) {
            return;
        }
        Peer peer = peers.get(to);
        if (peer == null) {
            NetSocket back = accepted.get(to);
            if (back != null && !back.writeQueueFull()) {
                back.write(frame);
            }
            return; // an observer we have not heard from yet: it will ask again
        }
        if (peer.socket != null) {
            if (!peer.socket.writeQueueFull()) {
                peer.socket.write(frame);
            }
            return;
        }
        if (peer.queued.size() < MAX_QUEUED_WHILE_CONNECTING) {
            peer.queued.add(frame);
        }
        connectIfDue(peer);
    }

    private void connectIfDue(Peer peer) {
        long now = System.currentTimeMillis();
        if (peer.connecting || now < peer.nextAttemptAt) {
            if (!peer.connecting && !peer.queued.isEmpty()) {
                // Nothing else will wake us while we back off, and the queue is worth delivering.
                vertx.setTimer(Math.max(1, peer.nextAttemptAt - now), t -> context.runOnContext(v -> {
                    if (peer.socket == null && !peer.queued.isEmpty()) {
                        connectIfDue(peer);
                    }
                }));
            }
            return;
        }
        peer.connecting = true;
        Address address = peer.address;
        client.connect(address.port(), address.host()).onComplete(result -> context.runOnContext(v -> {
            peer.connecting = false;
            if (closed) {
                if (result.succeeded()) {
                    result.result().close();
                }
                return;
            }
            if (result.failed()) {
                peer.queued.clear(); // stale by the time we could send it; Raft resends what matters
                peer.nextAttemptAt = System.currentTimeMillis() + peer.backoffMs;
                peer.backoffMs = Math.min(MAX_BACKOFF_MS, peer.backoffMs * 2);
                LOG.debugf("Raft node %d: cannot reach node %d at %s: %s", self, peer.id, address,
                        result.cause().getMessage());
                return;
            }
            NetSocket socket = result.result();
            peer.socket = socket;
            peer.backoffMs = INITIAL_BACKOFF_MS;
            socket.handler(framer(socket, null));
            socket.closeHandler(x -> context.runOnContext(y -> {
                if (peer.socket == socket) {
                    peer.socket = null;
                    peer.nextAttemptAt = System.currentTimeMillis() + peer.backoffMs;
                }
            }));
            socket.exceptionHandler(e -> socket.close());
            while (!peer.queued.isEmpty()) {
                socket.write(peer.queued.poll());
            }
        }));
    }

    /** Reads until the first frame shows whether the connection speaks Raft. */
    private void onAccepted(NetSocket socket) {
        Buffer head = Buffer.buffer();
        socket.exceptionHandler(e -> socket.close());
        socket.handler(chunk -> {
            head.appendBuffer(chunk);
            if (head.length() < 5) {
                return;
            }
            BiConsumer<NetSocket, Buffer> handler = foreign;
            if (head.getByte(4) == RAFT_FRAME_FIRST_BYTE || handler == null) {
                acceptRaft(socket).handle(head);
            } else {
                handler.accept(socket, head);
            }
        });
    }

    private RecordParser acceptRaft(NetSocket socket) {
        int[] remoteId = {Integer.MIN_VALUE};
        RecordParser parser = framer(socket, remoteId);
        socket.handler(parser);
        socket.closeHandler(x -> context.runOnContext(y -> {
            if (remoteId[0] != Integer.MIN_VALUE && accepted.get(remoteId[0]) == socket) {
                accepted.remove(remoteId[0]);
            }
        }));
        return parser;
    }

    /** Splits the byte stream into frames and decodes each; a bad frame closes the connection. */
    private RecordParser framer(NetSocket socket, int[] acceptedId) {
        RecordParser parser = RecordParser.newFixed(4);
        boolean[] readingLength = {true};
        parser.handler(chunk -> {
            if (readingLength[0]) {
                int length = chunk.getInt(0);
                if (length <= 0 || length > MAX_FRAME_BYTES) {
                    LOG.warnf("Raft node %d: closing connection from %s: frame length %d", self,
                            socket.remoteAddress(), length);
                    socket.close();
                    return;
                }
                parser.fixedSizeMode(length);
                readingLength[0] = false;
                return;
            }
            parser.fixedSizeMode(4);
            readingLength[0] = true;
            RaftCodec.Decoded decoded;
            try {
                decoded = RaftCodec.decode(clusterId, chunk.getBytes());
            } catch (IllegalArgumentException e) {
                LOG.warnf("Raft node %d: closing connection from %s: %s", self, socket.remoteAddress(), e.getMessage());
                socket.close();
                return;
            }
            if (acceptedId != null) {
                int from = from(decoded);
                if (acceptedId[0] != from) {
                    acceptedId[0] = from;
                    context.runOnContext(v -> accepted.put(from, socket));
                }
            }
            inbound.accept(decoded);
        });
        return parser;
    }

    private static int from(RaftCodec.Decoded decoded) {
        return decoded instanceof RaftCodec.Raft r ? r.message().from() : ((RaftCodec.Application) decoded).from();
    }

    @Override
    public void close() {
        closed = true;
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            peers.values().forEach(p -> {
                if (p.socket != null) {
                    p.socket.close();
                }
            });
            accepted.values().forEach(NetSocket::close);
            accepted.clear();
            Future<Void> stopped = server != null ? server.close() : Future.succeededFuture();
            stopped.onComplete(x -> client.close().onComplete(y -> done.complete()));
        });
        try {
            done.future().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("Raft node %d: transport did not close cleanly: %s", self, e.toString());
        }
    }
}
