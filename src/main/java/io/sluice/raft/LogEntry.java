package io.sluice.raft;

import java.util.Arrays;

/**
 * One entry of the replicated log. {@code control} entries are written by Raft itself (the
 * leader-change entry that opens every epoch) and are never handed to the application; their
 * offsets still count, so the application may see gaps.
 */
public record LogEntry(long offset, int epoch, boolean control, byte[] data) {

    public static LogEntry leaderChange(long offset, int epoch) {
        return new LogEntry(offset, epoch, true, new byte[0]);
    }

    /** Same position, epoch and bytes: what "the same entry" means for log matching. */
    public boolean sameAs(LogEntry other) {
        return offset == other.offset && epoch == other.epoch && control == other.control
                && Arrays.equals(data, other.data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && sameAs(e);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(offset) * 31 + epoch * 17 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return (control ? "ctl@" : "@") + offset + "e" + epoch
                + (control ? "" : "'" + new String(data, java.nio.charset.StandardCharsets.UTF_8) + "'");
    }
}
