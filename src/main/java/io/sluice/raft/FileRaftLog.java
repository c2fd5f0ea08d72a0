package io.sluice.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The Raft log in one file: a header (start offset and epoch) then checksummed frames, one per entry.
 * Entries are also kept in memory, which suits a metadata log kept short by snapshots. Opening
 * recovers from a crash at any byte: the first torn or corrupt frame and everything after it is cut
 * off. Prefix truncation rewrites the file and renames it into place, so it is atomic.
 */
public final class FileRaftLog implements RaftLog, AutoCloseable {
    private static final int MAGIC = 0x52414654; // "RAFT"
    private static final int HEADER = Integer.BYTES + Long.BYTES + Integer.BYTES;
    /** length, crc, then offset, epoch, control flag, data. */
    private static final int FRAME_OVERHEAD = 2 * Integer.BYTES;
    private static final int PAYLOAD_FIXED = Long.BYTES + Integer.BYTES + 1;

    private final Path file;
    private FileChannel channel;
    private final List<LogEntry> entries = new ArrayList<>();
    /** File position of each entry's frame; the entry after the last ends at {@link #fileEnd}. */
    private final List<Long> positions = new ArrayList<>();
    private long fileEnd;
    private long start;
    private int startEpoch;
    private long flushedEnd;

    public FileRaftLog(Path dir) {
        this.file = dir.resolve("raft.log");
        try {
            if (!Files.exists(file)) {
                DurableFiles.replace(file, header(0, 0));
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            recover();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void recover() throws IOException {
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        channel.read(head, 0);
        head.flip();
        if (head.remaining() != HEADER || head.getInt() != MAGIC) {
            throw new IllegalStateException("not a raft log: " + file);
        }
        start = head.getLong();
        startEpoch = head.getInt();
        long pos = HEADER;
        long size = channel.size();
        ByteBuffer frameHead = ByteBuffer.allocate(FRAME_OVERHEAD);
        while (pos + FRAME_OVERHEAD <= size) {
            frameHead.clear();
            channel.read(frameHead, pos);
            frameHead.flip();
            int length = frameHead.getInt();
            int crc = frameHead.getInt();
            if (length < PAYLOAD_FIXED || pos + FRAME_OVERHEAD + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            channel.read(payload, pos + FRAME_OVERHEAD);
            if (crc(payload.array()) != crc) {
                break;
            }
            payload.flip();
            LogEntry e = decode(payload);
            if (e.offset() != endOffset()) {
                break;
            }
            entries.add(e);
            positions.add(pos);
            pos += FRAME_OVERHEAD + length;
        }
        fileEnd = pos;
        if (size > pos) {
            channel.truncate(pos);
            channel.force(true);
        }
        flushedEnd = endOffset();
    }

    @Override
    public long startOffset() {
        return start;
    }

    @Override
    public int startEpoch() {
        return startEpoch;
    }

    @Override
    public long endOffset() {
        return start + entries.size();
    }

    @Override
    public long flushedEndOffset() {
        return flushedEnd;
    }

    @Override
    public LogEntry entry(long offset) {
        if (offset < start || offset >= endOffset()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside [" + start + ", " + endOffset() + ")");
        }
        return entries.get((int) (offset - start));
    }

    @Override
    public void append(LogEntry entry) {
        if (entry.offset() != endOffset()) {
            throw new IllegalArgumentException("append at " + entry.offset() + " but log ends at " + endOffset());
        }
        ByteBuffer frame = frame(entry);
        long pos = fileEnd;
        try {
            while (frame.hasRemaining()) {
                pos += channel.write(frame, pos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        positions.add(fileEnd);
        entries.add(entry);
        fileEnd = pos;
    }

    @Override
    public void truncateTo(long offset) {
        if (offset >= endOffset()) {
            return;
        }
        int keep = (int) (Math.max(offset, start) - start);
        try {
            fileEnd = positions.get(keep);
            channel.truncate(fileEnd);
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.subList(keep, entries.size()).clear();
        positions.subList(keep, positions.size()).clear();
        flushedEnd = Math.min(flushedEnd, endOffset());
    }

    @Override
    public void truncatePrefix(OffsetAndEpoch snapshotId) {
        long offset = snapshotId.offset();
        if (offset <= start) {
            return;
        }
        boolean keepsSuffix = offset <= endOffset() && entry(offset - 1).epoch() == snapshotId.epoch();
        List<LogEntry> kept = keepsSuffix ? new ArrayList<>(entries.subList((int) (offset - start), entries.size()))
                : List.of();
        ByteBuffer content = header(offset, snapshotId.epoch());
        List<ByteBuffer> frames = new ArrayList<>();
        int size = content.remaining();
        for (LogEntry e : kept) {
            ByteBuffer f = frame(e);
            size += f.remaining();
            frames.add(f);
        }
        ByteBuffer all = ByteBuffer.allocate(size).put(content);
        frames.forEach(all::put);
        try {
            channel.close();
            DurableFiles.replace(file, all.flip());
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        entries.clear();
        positions.clear();
        start = offset;
        startEpoch = snapshotId.epoch();
        long pos = HEADER;
        for (LogEntry e : kept) {
            entries.add(e);
            positions.add(pos);
            pos += FRAME_OVERHEAD + PAYLOAD_FIXED + e.data().length;
        }
        fileEnd = pos;
        flushedEnd = endOffset();
    }

    @Override
    public void flush() {
        if (flushedEnd == endOffset()) {
            return;
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        flushedEnd = endOffset();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteBuffer header(long start, int startEpoch) {
        return ByteBuffer.allocate(HEADER).putInt(MAGIC).putLong(start).putInt(startEpoch).flip();
    }

    private static ByteBuffer frame(LogEntry e) {
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD_FIXED + e.data().length);
        payload.putLong(e.offset()).putInt(e.epoch()).put((byte) (e.control() ? 1 : 0)).put(e.data());
        ByteBuffer frame = ByteBuffer.allocate(FRAME_OVERHEAD + payload.capacity());
        frame.putInt(payload.capacity()).putInt(crc(payload.array())).put(payload.array());
        return frame.flip();
    }

    private static LogEntry decode(ByteBuffer payload) {
        long offset = payload.getLong();
        int epoch = payload.getInt();
        boolean control = payload.get() == 1;
        byte[] data = new byte[payload.remaining()];
        payload.get(data);
        return new LogEntry(offset, epoch, control, data);
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
