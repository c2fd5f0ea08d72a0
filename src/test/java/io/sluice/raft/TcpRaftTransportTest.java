package io.sluice.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.raft.RaftMessage.BeginEpoch;
import io.sluice.raft.RaftMessage.FetchRequest;
import io.sluice.raft.RaftMessage.FetchResponse;
import io.sluice.raft.TcpRaftTransport.Address;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpRaftTransportTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void deliversBothWaysAndRepliesToAnUnlistedNodeOverItsOwnConnection() throws Exception {
        BlockingQueue<RaftCodec.Decoded> atOne = new LinkedBlockingQueue<>();
        BlockingQueue<RaftCodec.Decoded> atObserver = new LinkedBlockingQueue<>();
        TcpRaftTransport one = new TcpRaftTransport(vertx, "c", 1, Map.of(), atOne::add);
        int port = join(one.listen("127.0.0.1", 0));
        // Node 9 knows node 1's address; node 1 knows nothing of 9 and must answer on 9's connection.
        TcpRaftTransport observer = new TcpRaftTransport(vertx, "c", 9, Map.of(1, new Address("127.0.0.1", port)),
                atObserver::add);

        observer.send(1, new FetchRequest(9, 3, 42, 10, 2, 7));
        RaftCodec.Decoded got = atOne.poll(10, TimeUnit.SECONDS);
        assertEquals(new RaftCodec.Raft(new FetchRequest(9, 3, 42, 10, 2, 7)), got);

        LogEntry entry = new LogEntry(10, 3, false, "hello".getBytes());
        one.send(9, new FetchResponse(1, 3, 1, 42, RaftMessage.Error.NONE, List.of(entry), 11, null,
                new OffsetAndEpoch(5, 2)));
        RaftCodec.Raft reply = (RaftCodec.Raft) atObserver.poll(10, TimeUnit.SECONDS);
        FetchResponse r = (FetchResponse) reply.message();
        assertEquals(List.of(entry), r.entries());
        assertEquals(new OffsetAndEpoch(5, 2), r.snapshotId());
        assertEquals(null, r.diverging());

        observer.sendApplication(1, "hello", new byte[] {1, 2, 3});
        RaftCodec.Application app = (RaftCodec.Application) atOne.poll(10, TimeUnit.SECONDS);
        assertEquals(9, app.from());
        assertEquals("hello", app.kind());
        one.close();
        observer.close();
    }

    @Test
    void reachesANodeWhoseAddressItLearnsLaterAndHandsOverConnectionsThatSpeakKafka() throws Exception {
        BlockingQueue<RaftCodec.Decoded> atTwo = new LinkedBlockingQueue<>();
        BlockingQueue<io.vertx.core.buffer.Buffer> foreign = new LinkedBlockingQueue<>();
        TcpRaftTransport two = new TcpRaftTransport(vertx, "c", 2, Map.of(), atTwo::add);
        two.shareListener((socket, head) -> {
            foreign.add(head);
            socket.write(io.vertx.core.buffer.Buffer.buffer("ok"));
        });
        int port = join(two.listen("127.0.0.1", 0));
        TcpRaftTransport one = new TcpRaftTransport(vertx, "c", 1, Map.of(), m -> { });
        // A dynamic quorum's new voter: node 1 learns where node 2 is from the log, not from its configuration.
        one.updateAddresses(Map.of(2, "127.0.0.1:" + port));
        one.send(2, new BeginEpoch(1, 4));
        assertEquals(new RaftCodec.Raft(new BeginEpoch(1, 4)), atTwo.poll(10, TimeUnit.SECONDS),
                "Raft still flows on a shared port");

        // An ApiVersions request header (api key 18 starts with a zero byte) on the same port.
        try (java.net.Socket client = new java.net.Socket("127.0.0.1", port)) {
            byte[] request = {0, 0, 0, 8, 0, 18, 0, 3, 0, 0, 0, 1};
            client.getOutputStream().write(request);
            io.vertx.core.buffer.Buffer head = foreign.poll(10, TimeUnit.SECONDS);
            // At least the length and the first byte, however TCP split the write; never more than was sent.
            assertTrue(head.length() >= 5 && head.length() <= request.length, "head of " + head.length() + " bytes");
            assertEquals(io.vertx.core.buffer.Buffer.buffer(request).getBuffer(0, head.length()), head,
                    "handed over with the bytes read");
            assertEquals('o', client.getInputStream().read());
        }
        one.close();
        two.close();
    }

    @Test
    void reconnectsAfterThePeerRestartsOnTheSamePort() throws Exception {
        BlockingQueue<RaftCodec.Decoded> atOne = new LinkedBlockingQueue<>();
        TcpRaftTransport one = new TcpRaftTransport(vertx, "c", 1, Map.of(), atOne::add);
        int port = join(one.listen("127.0.0.1", 0));
        TcpRaftTransport two = new TcpRaftTransport(vertx, "c", 2, Map.of(1, new Address("127.0.0.1", port)), d -> { });
        two.send(1, new BeginEpoch(2, 1));
        assertEquals(new RaftCodec.Raft(new BeginEpoch(2, 1)), atOne.poll(10, TimeUnit.SECONDS));

        one.close();
        BlockingQueue<RaftCodec.Decoded> atNewOne = new LinkedBlockingQueue<>();
        TcpRaftTransport newOne = new TcpRaftTransport(vertx, "c", 1, Map.of(), atNewOne::add);
        join(newOne.listen("127.0.0.1", port));
        // Sends during the outage are dropped; Raft resends, and so does this test, until one lands.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        RaftCodec.Decoded got = null;
        while (got == null && System.nanoTime() < deadline) {
            two.send(1, new BeginEpoch(2, 2));
            got = atNewOne.poll(50, TimeUnit.MILLISECONDS);
        }
        assertEquals(new RaftCodec.Raft(new BeginEpoch(2, 2)), got);
        newOne.close();
        two.close();
    }

    @Test
    void closesAConnectionThatSendsGarbage() throws Exception {
        BlockingQueue<RaftCodec.Decoded> atOne = new LinkedBlockingQueue<>();
        TcpRaftTransport one = new TcpRaftTransport(vertx, "c", 1, Map.of(), atOne::add);
        int port = join(one.listen("127.0.0.1", 0));
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(new byte[] {0x7f, 0, 0, 0, 1, 2, 3});
            socket.setSoTimeout(10_000);
            assertEquals(-1, socket.getInputStream().read()); // closed by the server
        }
        assertTrue(atOne.isEmpty());
        one.close();
    }

    @Test
    void refusesFramesFromAnotherCluster() throws Exception {
        BlockingQueue<RaftCodec.Decoded> atOne = new LinkedBlockingQueue<>();
        TcpRaftTransport one = new TcpRaftTransport(vertx, "c", 1, Map.of(), atOne::add);
        int port = join(one.listen("127.0.0.1", 0));
        TcpRaftTransport stranger = new TcpRaftTransport(vertx, "other", 2,
                Map.of(1, new Address("127.0.0.1", port)), d -> { });
        TcpRaftTransport friend = new TcpRaftTransport(vertx, "c", 3,
                Map.of(1, new Address("127.0.0.1", port)), d -> { });
        stranger.send(1, new BeginEpoch(2, 7));
        friend.send(1, new BeginEpoch(3, 8));
        assertEquals(new RaftCodec.Raft(new BeginEpoch(3, 8)), atOne.poll(10, TimeUnit.SECONDS));
        assertEquals(null, atOne.poll(200, TimeUnit.MILLISECONDS));
        one.close();
        stranger.close();
        friend.close();
    }

    private static <T> T join(io.vertx.core.Future<T> f) {
        return f.toCompletionStage().toCompletableFuture().join();
    }

    static void await(BooleanSupplier condition, long timeoutMs, String what) {
        io.sluice.testing.Await.until(condition, timeoutMs, what);
    }
}
