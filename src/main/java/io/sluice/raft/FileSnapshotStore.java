package io.sluice.raft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * One file per snapshot, named by its id, holding a checksum and the bytes. A new snapshot is
 * renamed into place complete; older ones are deleted after.
 */
public final class FileSnapshotStore implements SnapshotStore {
    private static final Pattern NAME = Pattern.compile("(\\d{20})-(\\d{10})\\.snapshot");
    private final Path dir;
    private Snapshot latest;

    public FileSnapshotStore(Path dir) {
        this.dir = dir;
        this.latest = load();
    }

    @Override
    public Optional<Snapshot> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public void save(Snapshot snapshot) {
        if (latest != null && snapshot.id().offset() <= latest.id().offset()) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(Integer.BYTES + snapshot.data().length);
        buf.putInt(crc(snapshot.data())).put(snapshot.data());
        DurableFiles.replace(dir.resolve(name(snapshot.id())), buf.flip());
        latest = snapshot;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) < snapshot.id().offset()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Snapshot load() {
        Snapshot best = null;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                OffsetAndEpoch id = new OffsetAndEpoch(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
                ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(p));
                byte[] data = new byte[buf.remaining() - Integer.BYTES];
                int expected = buf.getInt();
                buf.get(data);
                if (crc(data) != expected) {
                    throw new IllegalStateException("corrupt snapshot " + p);
                }
                if (best == null || id.offset() > best.id().offset()) {
                    best = new Snapshot(id, data);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return best;
    }

    private static String name(OffsetAndEpoch id) {
        return String.format("%020d-%010d.snapshot", id.offset(), id.epoch());
    }

    private static int crc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }
}
