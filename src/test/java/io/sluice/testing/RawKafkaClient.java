package io.sluice.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
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
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
