package io.sluice.raft.sim;

import io.sluice.raft.RaftListener;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The application on one node incarnation: its state is a digest of every record it applied, so a
 * snapshot is checkable against the global committed log. It also records what it was told, in
 * order, for the invariant checker.
 */
final class SimApp implements RaftListener {

    sealed interface Event {
    }

    record Committed(long offset, byte[] record) implements Event {
    }

    record Loaded(long endOffset, long digest) implements Event {
    }

    private long digest;
    private final List<Event> events = new ArrayList<>();

    static long digest(long previous, long offset, byte[] record) {
        return previous * 1_000_003L + offset * 31 + Arrays.hashCode(record);
    }

    @Override
    public void onCommit(long offset, byte[] record) {
        digest = digest(digest, offset, record);
        events.add(new Committed(offset, record));
    }

    @Override
    public void onLoadSnapshot(long endOffset, byte[] state) {
        digest = ByteBuffer.wrap(state).getLong();
        events.add(new Loaded(endOffset, digest));
    }

    @Override
    public byte[] takeSnapshot() {
        // Padded so that snapshots take several FetchSnapshot chunks.
        return ByteBuffer.allocate(24).putLong(digest).putLong(~digest).putLong(digest >>> 7).array();
    }

    List<Event> drainEvents() {
        List<Event> out = new ArrayList<>(events);
        events.clear();
        return out;
    }
}
