package io.sluice.network;

import io.vertx.core.buffer.Buffer;
import java.nio.channels.FileChannel;
import java.util.List;

/**
 * One response on the wire, in order: bytes built in memory, and file regions that are sent
 * straight from the page cache to the socket (sendfile) without passing through the heap.
 */
public record ResponseFrame(List<Part> parts) {
    public ResponseFrame {
        parts = List.copyOf(parts);
    }

    public static ResponseFrame of(Buffer buffer) {
        return new ResponseFrame(List.of(new Bytes(buffer)));
    }

    /** A piece of a response. */
    public sealed interface Part permits Bytes, FileRegion {}

    public record Bytes(Buffer buffer) implements Part {}

    /** {@code count} bytes of a segment file from {@code position}; the channel stays owned by the log. */
    public record FileRegion(FileChannel channel, long position, long count) implements Part {}
}
