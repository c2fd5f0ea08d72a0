package io.sluice.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/** The quorum state in one small checksummed file, replaced atomically on every write. */
public final class FileQuorumStateStore implements QuorumStateStore {
    private static final int SIZE = 4 * Integer.BYTES;
    private final Path file;

    public FileQuorumStateStore(Path dir) {
        this.file = dir.resolve("quorum-state");
    }

    @Override
    public QuorumState read() {
        if (!Files.exists(file)) {
            return QuorumState.INITIAL;
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
            if (buf.remaining() != SIZE || crc(buf.array()) != buf.getInt(3 * Integer.BYTES)) {
                // Written by atomic rename, so a bad file is damage, not a torn write: never guess a vote.
                throw new IllegalStateException("corrupt quorum state file " + file);
            }
            return new QuorumState(buf.getInt(), buf.getInt(), buf.getInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void write(QuorumState state) {
        ByteBuffer buf = ByteBuffer.allocate(SIZE);
        buf.putInt(state.epoch()).putInt(state.votedFor()).putInt(state.leaderId());
        buf.putInt(crc(buf.array()));
        DurableFiles.replace(file, buf.flip());
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 3 * Integer.BYTES);
        return (int) crc.getValue();
    }
}
