package io.sluice.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Start offset of each leader epoch in this log, persisted in {@code leader-epoch-checkpoint} (Kafka's format:
 * {@code 0}, count, then {@code epoch startOffset} lines). Mutated by the partition's writer; readers (OffsetForLeaderEpoch)
 * read an immutable snapshot list without locking.
 */
final class LeaderEpochCache {
    record EpochEntry(int epoch, long startOffset) {}

    private final CheckpointFile checkpoint;
    private volatile List<EpochEntry> entries;

    LeaderEpochCache(CheckpointFile checkpoint) throws IOException {
        this.checkpoint = checkpoint;
        List<EpochEntry> loaded = new ArrayList<>();
        for (String line : checkpoint.read()) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) throw new IOException("Malformed leader epoch entry: " + line);
            loaded.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
        }
        this.entries = List.copyOf(loaded);
    }

    List<EpochEntry> entries() {
        return entries;
    }

    /** Records that epoch starts at startOffset. Ignored unless epoch is newer than the latest; newer entries win over stale ones. */
    void assign(int epoch, long startOffset) throws IOException {
        if (epoch < 0) return;
        List<EpochEntry> current = entries;
        if (!current.isEmpty() && current.get(current.size() - 1).epoch() >= epoch) return;
        List<EpochEntry> next = new ArrayList<>();
        for (EpochEntry e : current) if (e.startOffset() < startOffset) next.add(e);
        next.add(new EpochEntry(epoch, startOffset));
        publish(next);
    }

    int latestEpoch() {
        List<EpochEntry> current = entries;
        return current.isEmpty() ? -1 : current.get(current.size() - 1).epoch();
    }

    /**
     * OffsetForLeaderEpoch semantics: for the latest epoch, the log end offset; for an older epoch, the largest known
     * epoch <= requested together with the start offset of the next higher epoch; (-1, -1) if requested is unknown
     * and above every epoch, or nothing is known.
     */
    EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        List<EpochEntry> current = entries;
        if (requestedEpoch < 0 || current.isEmpty()) return EpochEndOffset.UNDEFINED;
        EpochEntry latest = current.get(current.size() - 1);
        if (requestedEpoch == latest.epoch()) return new EpochEndOffset(latest.epoch(), logEndOffset);
        if (requestedEpoch > latest.epoch()) return EpochEndOffset.UNDEFINED;
        EpochEntry floor = null, higher = null;
        for (EpochEntry e : current) {
            if (e.epoch() <= requestedEpoch) floor = e;
            else if (higher == null) higher = e;
        }
        // Below every known epoch: the data of that epoch is gone; answer with where the first known epoch starts.
        return new EpochEndOffset(floor == null ? requestedEpoch : floor.epoch(), higher.startOffset());
    }

    /** After the log is truncated to endOffset: epochs starting at or after it never happened here. */
    void truncateFromEnd(long endOffset) throws IOException {
        List<EpochEntry> current = entries;
        List<EpochEntry> next = new ArrayList<>();
        for (EpochEntry e : current) if (e.startOffset() < endOffset) next.add(e);
        if (next.size() != current.size()) publish(next);
    }

    /** After the log start moves to startOffset: the epoch covering it now starts there, earlier epochs go. */
    void truncateFromStart(long startOffset) throws IOException {
        List<EpochEntry> current = entries;
        List<EpochEntry> next = new ArrayList<>();
        EpochEntry covering = null;
        for (EpochEntry e : current) {
            if (e.startOffset() <= startOffset) covering = e;
            else next.add(e);
        }
        if (covering != null) next.add(0, new EpochEntry(covering.epoch(), startOffset));
        if (!next.equals(current)) publish(next);
    }

    private void publish(List<EpochEntry> next) throws IOException {
        List<String> lines = new ArrayList<>();
        for (EpochEntry e : next) lines.add(e.epoch() + " " + e.startOffset());
        checkpoint.write(lines);
        entries = List.copyOf(next);
    }
}
