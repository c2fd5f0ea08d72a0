package io.sluice.testing;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/** One blocking connection that sends single requests, to check answers a client library would hide. */
public final class RawKafkaClient implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationId;

    public RawKafkaClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        // As Kafka's clients do: without it the frame's second write waits out the peer's delayed ACK (~40 ms).
        socket.setTcpNoDelay(true);
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
        in = new DataInputStream(socket.getInputStream());
    }

    /** How long send waits for an answer before it throws SocketTimeoutException (30 s unless set). */
    public RawKafkaClient readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        ApiKeys key = request.apiKey();
        short version = request.version();
        RequestHeader header = new RequestHeader(key, version, "raw-client", ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        int size = in.readInt();
        byte[] body = new byte[size];
        in.readFully(body);
        ByteBuffer buffer = ByteBuffer.wrap(body);
        ResponseHeader.parse(buffer, key.responseHeaderVersion(version));
        return (R) AbstractResponse.parseResponse(key, new org.apache.kafka.common.protocol.ByteBufferAccessor(buffer), version);
    }

    /**
     * Waits until the broker at the other end coordinates the group and has loaded it. FindCoordinator
     * answers before the coordinator has loaded the group's offsets partition (real clients retry
     * COORDINATOR_LOAD_IN_PROGRESS); a raw group request sent right away could meet that error.
     */
    public void awaitGroupCoordinatorLoaded(String group, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FindCoordinatorResponse found = send(new FindCoordinatorRequest.Builder(
                    new FindCoordinatorRequestData().setKey(group).setKeyType((byte) 0)).build((short) 3));
            if (found.data().errorCode() == Errors.NONE.code()) {
                DescribeGroupsResponse described = send(new DescribeGroupsRequest.Builder(
                        new DescribeGroupsRequestData().setGroups(List.of(group))).build((short) 5));
                if (described.data().groups().get(0).errorCode() == Errors.NONE.code()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the coordinator of group " + group + " is not loaded after " + timeout);
            }
            Thread.sleep(20); // polling: the deadline above bounds the wait
        }
    }

    /** Whether the broker closes this connection within the timeout (a read meets the end of the stream). */
    public boolean closedByPeerWithin(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
