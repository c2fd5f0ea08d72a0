package io.sluice.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The leader's application appends: batches lingering before they are written (so that many small
 * appends become one write and one flush), then written batches waiting for the high watermark.
 */
final class PendingAppends {

    private record Lingering(List<byte[]> records, CompletableFuture<Long> result) {
    }

    private record Written(long lastOffset, CompletableFuture<Long> result) {
    }

    private final List<Lingering> lingering = new ArrayList<>();
    private final Deque<Written> written = new ArrayDeque<>();
    private long lingerSince;

    CompletableFuture<Long> add(List<byte[]> records, long now) {
        if (lingering.isEmpty()) {
            lingerSince = now;
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        lingering.add(new Lingering(List.copyOf(records), result));
        return result;
    }

    /** Writes the lingering batches once the oldest has waited {@code lingerMs}; returns whether it wrote. */
    boolean writeIfDue(long now, long lingerMs, RaftLog log, int epoch) {
        if (lingering.isEmpty() || now - lingerSince < lingerMs) {
            return false;
        }
        for (Lingering batch : lingering) {
            for (byte[] record : batch.records) {
                log.append(new LogEntry(log.endOffset(), epoch, false, record));
            }
            written.add(new Written(log.endOffset() - 1, batch.result));
        }
        lingering.clear();
        return true;
    }

    /** Completes, in order, every written batch that the high watermark now covers. */
    void commitUpTo(long highWatermark) {
        while (!written.isEmpty() && written.peekFirst().lastOffset < highWatermark) {
            Written w = written.pollFirst();
            w.result.complete(w.lastOffset);
        }
    }

    void failAll(RuntimeException cause) {
        lingering.forEach(l -> l.result.completeExceptionally(cause));
        written.forEach(w -> w.result.completeExceptionally(cause));
        lingering.clear();
        written.clear();
    }
}
