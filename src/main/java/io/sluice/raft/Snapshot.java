package io.sluice.raft;

/**
 * The application's state after applying every entry below {@code id.offset()}; the bytes are
 * opaque to Raft. Snapshots are held in memory whole: fine for a metadata quorum's state size.
 */
public record Snapshot(OffsetAndEpoch id, byte[] data) {
}
