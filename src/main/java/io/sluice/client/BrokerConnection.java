package io.sluice.client;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A blocking Kafka-protocol connection from this broker to another one, for threads of their own
 * (replica fetchers, the zk-mode controller forwarder; never an event loop): one request at a time,
 * length-prefixed frames, kafka-clients' generated messages for the bodies. Not thread-safe: one
 * owner thread.
 */
public final class BrokerConnection implements AutoCloseable {
    private final String clientId;
    private final int connectTimeoutMs;
    private volatile Socket socket;
    private DataOutputStream out;
    private DataInputStream in;
    private InetSocketAddress connectedTo;
    private int correlationId;

    public BrokerConnection(String clientId, int connectTimeoutMs) {
        this.clientId = clientId;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /**
     * Sends one request and waits for its answer, (re)connecting to address first when needed.
     * readTimeoutMs bounds the wait for the answer; any I/O failure closes the connection.
     */
    public ApiMessage send(InetSocketAddress address, ApiKeys api, short version, ApiMessage request, int readTimeoutMs)
            throws IOException {
        try {
            connect(address);
            socket.setSoTimeout(readTimeoutMs);
            int correlation = ++correlationId;
            RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
                    .setClientId(clientId).setCorrelationId(correlation);
            ByteBuffer frame = RequestUtils.serialize(header, api.requestHeaderVersion(version), request, version);
            out.writeInt(frame.remaining());
            out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
            out.flush();
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            ByteBuffer buffer = ByteBuffer.wrap(body);
            ResponseHeader responseHeader = ResponseHeader.parse(buffer, api.responseHeaderVersion(version));
            if (responseHeader.correlationId() != correlation) {
                throw new IOException("Correlation id " + responseHeader.correlationId() + " answers no request of ours ("
                        + correlation + ")");
            }
            return AbstractResponse.parseResponse(api, new ByteBufferAccessor(buffer), version).data();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("Bad answer from " + address + ": " + e.getMessage(), e);
        }
    }

    private void connect(InetSocketAddress address) throws IOException {
        if (socket != null && address.equals(connectedTo)) {
            return;
        }
        close();
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, connectTimeoutMs);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        connectedTo = address;
        out = new DataOutputStream(new java.io.BufferedOutputStream(s.getOutputStream()));
        in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
    }

    /** Closes the socket; safe from another thread to unblock a pending read at shutdown. */
    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        connectedTo = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with this socket
            }
        }
    }
}
