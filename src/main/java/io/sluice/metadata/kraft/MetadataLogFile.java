package io.sluice.metadata.kraft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.MetadataRecordBatch;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The local metadata log: a single file of frames, each one atomic batch of records.
 *
 * <p>Frame: {@code int32 length | int32 crc32c(payload) | payload}, payload a serialized
 * {@link MetadataRecordBatch}. Every append is fsynced before it returns. On open the frames are
 * replayed in order; the first torn or checksum-failing frame and everything after it is cut off
 * (a crash mid-append leaves exactly that), so a half-written batch is never served.
 *
 * <p>Offsets count records: the first record is offset 0. Not thread-safe; the backend confines
 * it to its thread.
 */
public final class MetadataLogFile implements Closeable {
    public static final String FILE_NAME = "metadata.log";
    private static final System.Logger LOG = System.getLogger(MetadataLogFile.class.getName());
    private static final int HEADER_SIZE = 8;
    /** Far above any real batch; a larger length can only be garbage from a torn header. */
    static final int MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private long size;
    private long nextOffset;
    private boolean failed;

    private MetadataLogFile(Path file, FileChannel channel, long size, long nextOffset) {
        this.file = file;
        this.channel = channel;
        this.size = size;
        this.nextOffset = nextOffset;
    }

    /** Opens (creating if needed) the log in {@code dir}, handing every intact batch to {@code replay}. */
    public static MetadataLogFile open(Path dir, Consumer<MetadataRecordBatch> replay) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE_NAME);
        boolean created = !Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            if (created) {
                Fsync.directory(dir);
            }
            long fileSize = channel.size();
            long position = 0;
            long nextOffset = 0;
            while (true) {
                Frame frame = readFrame(channel, position, fileSize, file);
                if (frame == null) {
                    break;
                }
                MetadataRecordBatch batch = frame.batch();
                if (batch.getBaseOffset() != nextOffset) {
                    throw new IllegalStateException(file + ": batch at byte " + position + " has base offset "
                            + batch.getBaseOffset() + ", expected " + nextOffset);
                }
                replay.accept(batch);
                position += HEADER_SIZE + frame.payloadLength();
                nextOffset += batch.getRecordsCount();
            }
            if (position < fileSize) {
                LOG.log(System.Logger.Level.WARNING, "{0}: truncating {1} bytes of torn or corrupt tail at byte {2}",
                        file, fileSize - position, position);
                channel.truncate(position);
                channel.force(true);
            }
            return new MetadataLogFile(file, channel, position, nextOffset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The frame at {@code position}, or null where the intact log ends (end of file, torn or corrupt frame). */
    private record Frame(MetadataRecordBatch batch, int payloadLength) {}

    private static Frame readFrame(FileChannel channel, long position, long fileSize, Path file)
            throws IOException {
        if (fileSize - position < HEADER_SIZE) {
            return null;
        }
        ByteBuffer header = readFully(channel, position, HEADER_SIZE);
        int length = header.getInt();
        int crc = header.getInt();
        if (length < 0 || length > MAX_FRAME_PAYLOAD || length > fileSize - position - HEADER_SIZE) {
            return null;
        }
        ByteBuffer payload = readFully(channel, position + HEADER_SIZE, length);
        if (crc32c(payload) != crc) {
            return null;
        }
        try {
            return new Frame(MetadataRecordBatch.parseFrom(payload), length);
        } catch (InvalidProtocolBufferException e) {
            // The checksum matched, so these are the bytes we wrote: dropping them would lose
            // acknowledged metadata. Stop and let a human look.
            throw new IllegalStateException(file + ": batch at byte " + position
                    + " passes its checksum but cannot be parsed", e);
        }
    }

    public long nextOffset() {
        return nextOffset;
    }

    /** Appends the records as one frame and fsyncs; returns the offset of the last record. */
    public long append(List<MetadataRecord> records) throws IOException {
        if (failed) {
            throw new IOException(file + " is unusable after an earlier failed write");
        }
        byte[] payload = MetadataRecordBatch.newBuilder()
                .setBaseOffset(nextOffset).addAllRecords(records).build().toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + payload.length);
        frame.putInt(payload.length).putInt(crc32c(ByteBuffer.wrap(payload))).put(payload).flip();
        try {
            long position = size;
            while (frame.hasRemaining()) {
                position += channel.write(frame, position);
            }
            channel.force(false);
        } catch (IOException e) {
            rollBack();
            throw e;
        }
        size += frame.limit();
        nextOffset += records.size();
        return nextOffset - 1;
    }

    // Cut a partly written frame so the next append does not land after garbage; if even that
    // fails, refuse further writes rather than append after bytes we cannot vouch for.
    private void rollBack() {
        try {
            channel.truncate(size);
            channel.force(true);
        } catch (IOException e) {
            failed = true;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IOException("Unexpected end of file");
            }
        }
        return buf.flip();
    }

    private static int crc32c(ByteBuffer payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload.duplicate());
        return (int) crc.getValue();
    }
}
