package io.sluice.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoresTest {

    @TempDir
    Path dir;

    @Test
    void quorumStateRoundTripsAndRejectsDamage() throws IOException {
        FileQuorumStateStore store = new FileQuorumStateStore(dir);
        assertEquals(QuorumState.INITIAL, store.read());
        store.write(new QuorumState(7, 2, -1));
        store.write(new QuorumState(8, -1, 3));
        assertEquals(new QuorumState(8, -1, 3), new FileQuorumStateStore(dir).read());
        Path file = dir.resolve("quorum-state");
        byte[] bytes = Files.readAllBytes(file);
        bytes[2] ^= 1;
        Files.write(file, bytes);
        assertThrows(IllegalStateException.class, () -> new FileQuorumStateStore(dir).read());
    }

    @Test
    void snapshotStoreKeepsOnlyTheNewest() throws IOException {
        FileSnapshotStore store = new FileSnapshotStore(dir);
        assertTrue(store.latest().isEmpty());
        store.save(new Snapshot(new OffsetAndEpoch(10, 1), new byte[] {1, 2}));
        store.save(new Snapshot(new OffsetAndEpoch(20, 2), new byte[] {3}));
        store.save(new Snapshot(new OffsetAndEpoch(15, 2), new byte[] {9})); // older: ignored
        Snapshot latest = new FileSnapshotStore(dir).latest().orElseThrow();
        assertEquals(new OffsetAndEpoch(20, 2), latest.id());
        assertArrayEquals(new byte[] {3}, latest.data());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".snapshot")).count());
        }
    }
}
