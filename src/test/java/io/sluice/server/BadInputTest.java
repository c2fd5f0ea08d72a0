package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken bytes on a raw socket: each gets an error or a closed connection, and the broker
 * keeps serving real clients with their data intact.
 */
class BadInputTest {
    @TempDir
    Path data;
    TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new TestBroker(data, java.util.Map.of("socket.request.max.bytes", "1048576")).start();
        try (Admin admin = Admin.create(broker.clientProps())) {
            admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
        }
        ProduceFetchEndToEndTest.produce(broker, "kept", 10);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void randomBytesCloseTheConnection() throws Exception {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        ByteBuffer.wrap(junk).putInt(0, 200);
        assertClosedAfter(junk);
        assertBrokerStillServes();
    }

    @Test
    void oversizedLengthPrefixClosesTheConnection() throws Exception {
        assertClosedAfter(ByteBuffer.allocate(4).putInt(0, Integer.MAX_VALUE).array());
        assertClosedAfter(ByteBuffer.allocate(4).putInt(0, -5).array());
        assertBrokerStillServes();
    }

    @Test
    void unknownApiKeyClosesTheConnection() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(4 + 10);
        frame.putInt(10).putShort((short) 9999).putShort((short) 0).putInt(7).putShort((short) -1);
        assertClosedAfter(frame.array());
        assertBrokerStillServes();
    }

    @Test
    void unsupportedProduceVersionClosesTheConnection() throws Exception {
        ByteBuffer frame = ByteBuffer.allocate(4 + 10);
        frame.putInt(10).putShort(ApiKeys.PRODUCE.id).putShort((short) 99).putInt(7).putShort((short) -1);
        assertClosedAfter(frame.array());
        assertBrokerStillServes();
    }

    @Test
    void truncatedFrameThenCloseLeavesTheBrokerServing() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(100);
            out.write(new byte[20]);
            out.flush();
        }
        assertBrokerStillServes();
    }

    @Test
    void newerApiVersionsGetsAVersionZeroAnswerWithOurRanges() throws Exception {
        // KIP-511: an ApiVersions version above ours is answered at v0 with UNSUPPORTED_VERSION.
        RequestHeader header = new RequestHeader(ApiKeys.API_VERSIONS, (short) 4, "probe", 42);
        ByteBuffer body = new ApiVersionsRequest.Builder().build((short) 4).serializeWithHeader(header);
        body.putShort(2, (short) 99);
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(body.remaining());
            out.write(body.array(), body.arrayOffset(), body.remaining());
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int size = in.readInt();
            byte[] payload = new byte[size];
            in.readFully(payload);
            ByteBuffer response = ByteBuffer.wrap(payload);
            assertEquals(42, response.getInt(), "correlation id");
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.getShort(), "error code");
            int apiCount = response.getInt();
            assertTrue(apiCount > 5, "the answer lists our APIs, got " + apiCount);
        }
        assertBrokerStillServes();
    }

    private void assertClosedAfter(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", broker.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            try {
                int read = s.getInputStream().read();
                assertEquals(-1, read, "the broker must close the connection rather than answer");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("connection still open 10 s after bad input");
            } catch (IOException reset) {
                // a reset is a close too
            }
        }
    }

    private void assertBrokerStillServes() throws Exception {
        List<?> records = ProduceFetchEndToEndTest.consume(broker, "kept", 1, 10);
        assertEquals(10, records.size(), "the earlier records are intact and readable");
    }
}
