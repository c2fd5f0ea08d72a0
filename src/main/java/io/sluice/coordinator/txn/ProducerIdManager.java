package io.sluice.coordinator.txn;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * Hands out producer ids from blocks the controller reserves durably, so an id is never reused,
 * even across restarts, without a metadata write per producer.
 */
public final class ProducerIdManager {
    public static final int BLOCK_SIZE = 1000;

    private final IntFunction<CompletableFuture<Long>> reserveBlock;
    private long next;
    private long blockEnd;
    private CompletableFuture<Void> pendingReservation;

    /** @param reserveBlock reserves {@code size} ids and completes with the first one */
    public ProducerIdManager(IntFunction<CompletableFuture<Long>> reserveBlock) {
        this.reserveBlock = reserveBlock;
    }

    public synchronized CompletableFuture<Long> nextProducerId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        if (pendingReservation == null) {
            pendingReservation = reserveBlock.apply(BLOCK_SIZE).thenAccept(this::useBlock);
        }
        return pendingReservation.thenCompose(v -> nextProducerId());
    }

    private synchronized void useBlock(long first) {
        next = first;
        blockEnd = first + BLOCK_SIZE;
        pendingReservation = null;
    }
}
