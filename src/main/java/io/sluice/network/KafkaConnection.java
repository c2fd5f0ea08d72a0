package io.sluice.network;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.NetSocketInternal;
import java.util.ArrayDeque;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * One client connection. Like Kafka, a connection has one request in processing at a time, so
 * responses leave in request order and a producer's pipelined batches reach the log in the order
 * sent. Backpressure works both ways instead of letting memory grow: requests that arrive while
 * one is processed wait in a queue, and when that queue holds too many requests or bytes the
 * socket stops being read; and while more than {@link #MAX_UNSENT_RESPONSE_BYTES} of responses
 * have not reached the kernel yet (a client that does not read), no further request is processed.
 * All state is touched only on the connection's event loop.
 */
final class KafkaConnection {
    private static final Logger LOG = Logger.getLogger(KafkaConnection.class);

    private final NetSocket socket;
    private final Context context;
    private final ListenerSettings settings;
    private final RequestProcessor processor;
    private final ConnectionInfo info;
    private final FrameDecoder decoder;
    private final ArrayDeque<Buffer> waiting = new ArrayDeque<>();
    private long waitingBytes;
    /** Enough to keep a fast reader busy while the next request is processed. */
    static final long MAX_UNSENT_RESPONSE_BYTES = 1 << 20;

    private long unsentResponseBytes;
    private boolean processing;
    private boolean paused;
    private boolean closed;

    KafkaConnection(NetSocket socket, Context context, ListenerSettings settings, RequestProcessor processor,
                    String connectionId) {
        this.socket = socket;
        this.context = context;
        this.settings = settings;
        this.processor = processor;
        this.info = new ConnectionInfo(connectionId, settings.name(), settings.securityProtocol(),
                String.valueOf(socket.remoteAddress()));
        this.decoder = new FrameDecoder(settings.maxRequestSize(), this::onFrame, this::onViolation);
    }

    void start(Runnable onClose) {
        start(onClose, Buffer.buffer());
    }

    /** Starts a connection whose first bytes were already read by whoever accepted it. */
    void start(Runnable onClose, Buffer alreadyRead) {
        socket.handler(decoder::feed);
        socket.exceptionHandler(e -> LOG.debugf("connection %s: %s", info.peerAddress(), e.getMessage()));
        socket.closeHandler(v -> {
            closed = true;
            waiting.clear();
            onClose.run();
        });
        if (alreadyRead.length() > 0) {
            decoder.feed(alreadyRead);
        }
    }

    private void onViolation(String reason) {
        LOG.warnf("Closing connection from %s on listener %s: %s", info.peerAddress(), info.listenerName(), reason);
        close();
    }

    private void onFrame(Buffer frame) {
        waiting.add(frame);
        waitingBytes += frame.length();
        applyBackpressure();
        processNext();
    }

    private void processNext() {
        if (processing || closed || waiting.isEmpty() || unsentResponseBytes > MAX_UNSENT_RESPONSE_BYTES) {
            return;
        }
        Buffer frame = waiting.poll();
        waitingBytes -= frame.length();
        applyBackpressure();
        processing = true;
        processor.process(info, frame).whenComplete((response, error) ->
                context.runOnContext(v -> onProcessed(response, error)));
    }

    private void onProcessed(Optional<ResponseFrame> response, Throwable error) {
        processing = false;
        if (closed) {
            return;
        }
        if (error != null) {
            Throwable cause = error.getCause() != null && !(error instanceof CloseConnectionException) ? error.getCause() : error;
            if (cause instanceof CloseConnectionException) {
                LOG.warnf("Closing connection from %s on listener %s: %s", info.peerAddress(), info.listenerName(),
                        cause.getMessage());
            } else {
                LOG.errorf(cause, "Closing connection from %s after an unexpected error", info.peerAddress());
            }
            close();
            return;
        }
        response.ifPresent(this::write);
        processNext();
    }

    private void write(ResponseFrame frame) {
        for (ResponseFrame.Part part : frame.parts()) {
            if (part instanceof ResponseFrame.Bytes bytes) {
                track(bytes.buffer().length(), socket.write(bytes.buffer()));
            } else if (part instanceof ResponseFrame.FileRegion region) {
                track(region.count(), ((NetSocketInternal) socket).writeMessage(new SharedFileRegion(region)));
            }
        }
    }

    /** Counts response bytes until the kernel has taken them; file regions count too (Netty's own estimate skips them). */
    private void track(long bytes, Future<Void> written) {
        unsentResponseBytes += bytes;
        written.onComplete(r -> {
            unsentResponseBytes -= bytes;
            processNext();
        });
    }

    private void applyBackpressure() {
        boolean full = waiting.size() >= settings.maxQueuedRequests()
                || (settings.maxQueuedRequestBytes() > 0 && waitingBytes + decoder.bufferedBytes() >= settings.maxQueuedRequestBytes());
        if (full && !paused) {
            paused = true;
            socket.pause();
        } else if (!full && paused) {
            paused = false;
            socket.resume();
        }
    }

    void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
    }
}
