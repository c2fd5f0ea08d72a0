package io.sluice.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Turns a response message into the bytes of one frame (size prefix included). Record sets held
 * as file slices are read straight from the segment file into the frame.
 */
final class ResponseSerializer {
    private ResponseSerializer() {}

    static Buffer serialize(int correlationId, short headerVersion, ApiMessage body, short version) {
        Send send = SendBuilder.buildResponseSend(new ResponseHeader(correlationId, headerVersion), body, version);
        ByteBuf out = Unpooled.buffer((int) send.size());
        FrameChannel channel = new FrameChannel(out);
        try {
            while (!send.completed()) {
                send.writeTo(channel);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read records for the response", e);
        }
        return Buffer.buffer(out);
    }

    /** A channel that appends everything written to it to one growing buffer. */
    private static final class FrameChannel implements TransferableChannel {
        private final ByteBuf out;

        FrameChannel(ByteBuf out) {
            this.out = out;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
            long done = 0;
            while (done < count) {
                int read = out.writeBytes(fileChannel, position + done, (int) (count - done));
                if (read < 0) {
                    throw new IOException("segment file ended " + (count - done) + " bytes early");
                }
                done += read;
            }
            return done;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                written += write(srcs[i]);
            }
            return written;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            out.writeBytes(src);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
