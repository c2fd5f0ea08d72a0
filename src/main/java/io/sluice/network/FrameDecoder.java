package io.sluice.network;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits a TCP byte stream into Kafka frames: a 4-byte big-endian size followed by that many bytes.
 * A size below the smallest request header or above {@code socket.request.max.bytes} is a protocol
 * violation: the caller is told once and the decoder stops emitting.
 */
final class FrameDecoder {
    /** api key (2) + api version (2) + correlation id (4) + client id length (2). */
    static final int MIN_FRAME_SIZE = 10;

    private final int maxFrameSize;
    private final Consumer<Buffer> onFrame;
    private final Consumer<String> onViolation;
    private Buffer pending = Buffer.buffer();
    private boolean failed;

    FrameDecoder(int maxFrameSize, Consumer<Buffer> onFrame, Consumer<String> onViolation) {
        this.maxFrameSize = maxFrameSize;
        this.onFrame = onFrame;
        this.onViolation = onViolation;
    }

    void feed(Buffer chunk) {
        if (failed) {
            return;
        }
        pending = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int position = 0;
        while (pending.length() - position >= 4) {
            int size = pending.getInt(position);
            if (size < MIN_FRAME_SIZE || size > maxFrameSize) {
                failed = true;
                onViolation.accept(size > maxFrameSize
                        ? "request size " + size + " exceeds socket.request.max.bytes=" + maxFrameSize
                        : "invalid request size " + size);
                return;
            }
            if (pending.length() - position - 4 < size) {
                break;
            }
            onFrame.accept(pending.getBuffer(position + 4, position + 4 + size));
            position += 4 + size;
        }
        pending = position == pending.length() ? Buffer.buffer() : pending.getBuffer(position, pending.length());
    }

    /** Bytes received but not yet part of a complete frame. */
    int bufferedBytes() {
        return pending.length();
    }
}
