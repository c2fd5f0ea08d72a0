package io.sluice.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import io.sluice.network.ResponseFrame;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Turns a response message into one frame (size prefix included). Record sets held as file slices
 * become file regions sent by the kernel (zero-copy) where the connection allows it, and are
 * otherwise read from the segment file into the frame.
 */
final class ResponseSerializer {
    private ResponseSerializer() {}

    static ResponseFrame serialize(int correlationId, short headerVersion, ApiMessage body, short version,
                                   boolean zeroCopy) {
        Send send = SendBuilder.buildResponseSend(new ResponseHeader(correlationId, headerVersion), body, version);
        FrameChannel channel = new FrameChannel(zeroCopy);
        try {
            while (!send.completed()) {
                send.writeTo(channel);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read records for the response", e);
        }
        return channel.frame();
    }

    /** Collects what a Send writes: in-memory bytes, and file regions kept as references or copied. */
    private static final class FrameChannel implements TransferableChannel {
        private final boolean zeroCopy;
        private final List<ResponseFrame.Part> parts = new ArrayList<>();
        private ByteBuf out = Unpooled.buffer();

        FrameChannel(boolean zeroCopy) {
            this.zeroCopy = zeroCopy;
        }

        ResponseFrame frame() {
            flushBytes();
            return new ResponseFrame(parts);
        }

        private void flushBytes() {
            if (out.readableBytes() > 0) {
                parts.add(new ResponseFrame.Bytes(Buffer.buffer(out)));
                out = Unpooled.buffer();
            }
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel fileChannel, long position, long count) throws IOException {
            if (zeroCopy) {
                flushBytes();
                parts.add(new ResponseFrame.FileRegion(fileChannel, position, count));
                return count;
            }
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
