package io.sluice.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * acks=all produces of one partition waiting for the high watermark to pass their last offset
 * (Kafka's delayed produce). Nothing blocks: each waiter is a future completed by the high-watermark
 * advance, a leadership change, or its timeout.
 */
final class ReplicationWaiters {
    private final TreeMap<Long, List<CompletableFuture<Errors>>> byLastOffset = new TreeMap<>();

    /** A future completed once the high watermark exceeds lastOffset. */
    synchronized CompletableFuture<Errors> add(long lastOffset) {
        CompletableFuture<Errors> waiter = new CompletableFuture<>();
        byLastOffset.computeIfAbsent(lastOffset, k -> new ArrayList<>()).add(waiter);
        waiter.whenComplete((r, e) -> remove(lastOffset, waiter));
        return waiter;
    }

    private synchronized void remove(long lastOffset, CompletableFuture<Errors> waiter) {
        List<CompletableFuture<Errors>> list = byLastOffset.get(lastOffset);
        if (list != null && list.remove(waiter) && list.isEmpty()) {
            byLastOffset.remove(lastOffset);
        }
    }

    /**
     * Completes the waiters below the high watermark: with NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND
     * when the ISR shrank below min.insync.replicas while they waited (the batch is then on fewer
     * replicas than the producer asked for).
     */
    void highWatermarkReached(long highWatermark, boolean enoughInSync) {
        Errors outcome = enoughInSync ? Errors.NONE : Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
        for (CompletableFuture<Errors> waiter : take(highWatermark)) {
            waiter.complete(outcome);
        }
    }

    /** Fails every waiter (leadership moved away: this broker can no longer vouch for the batch). */
    void failAll(Errors error) {
        for (CompletableFuture<Errors> waiter : take(Long.MAX_VALUE)) {
            waiter.complete(error);
        }
    }

    /** How many acks=all produces wait (Kafka's delayed produce purgatory size). */
    synchronized int size() {
        int n = 0;
        for (List<CompletableFuture<Errors>> list : byLastOffset.values()) {
            n += list.size();
        }
        return n;
    }

    private synchronized List<CompletableFuture<Errors>> take(long exclusiveBound) {
        List<CompletableFuture<Errors>> out = new ArrayList<>();
        Map<Long, List<CompletableFuture<Errors>>> head = byLastOffset.headMap(exclusiveBound, false);
        head.values().forEach(out::addAll);
        head.clear();
        return out;
    }
}
