package io.sluice.raft;

import java.io.ByteArrayOutputStream;

/** A follower's snapshot transfer in progress: chunks must arrive in order, anything else is ignored. */
final class SnapshotDownload {
    private final OffsetAndEpoch id;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private long totalSize = -1;

    SnapshotDownload(OffsetAndEpoch id) {
        this.id = id;
    }

    OffsetAndEpoch id() {
        return id;
    }

    long position() {
        return received.size();
    }

    void accept(long position, byte[] chunk, long total) {
        if (position == received.size()) {
            received.writeBytes(chunk);
            totalSize = total;
        }
    }

    boolean complete() {
        return received.size() == totalSize;
    }

    Snapshot snapshot() {
        return new Snapshot(id, received.toByteArray());
    }
}
