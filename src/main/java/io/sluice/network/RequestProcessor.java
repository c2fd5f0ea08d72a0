package io.sluice.network;

import io.vertx.core.buffer.Buffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a listener hands complete request frames to. The network layer knows nothing of the Kafka
 * API: it frames bytes, keeps responses in order and applies backpressure.
 */
public interface RequestProcessor {
    /**
     * Processes one request frame (without its size prefix). Completes with the response frame
     * (size prefix included; file regions only when the connection allows zero-copy), with empty when the request takes no response (produce with acks=0),
     * or exceptionally with {@link CloseConnectionException} when the connection must be closed.
     * Must not block the calling event loop.
     */
    CompletableFuture<Optional<ResponseFrame>> process(ConnectionInfo connection, Buffer frame);
}
