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
    private CompletableFuture<Long> pendingReservation;

    /** @param reserveBlock reserves {@code size} ids and completes with the first one */
    public ProducerIdManager(IntFunction<CompletableFuture<Long>> reserveBlock) {
        this.reserveBlock = reserveBlock;
    }

    public synchronized CompletableFuture<Long> nextProducerId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        CompletableFuture<Long> reservation = pendingReservation;
        if (reservation == null) {
            // Set before asking, so a reservation that completes at once finds it to clear.
            CompletableFuture<Long> started = new CompletableFuture<>();
            pendingReservation = started;
            reservation = started;
            reserve().whenComplete((first, error) -> {
                reservationDone(first, error);
                if (error != null) {
                    started.completeExceptionally(error);
                } else {
                    started.complete(first);
                }
            });
        }
        return reservation.thenCompose(first -> nextProducerId());
    }

    private CompletableFuture<Long> reserve() {
        try {
            return reserveBlock.apply(BLOCK_SIZE);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A failed reservation is forgotten, so the next request asks again instead of failing forever. */
    private synchronized void reservationDone(Long first, Throwable error) {
        pendingReservation = null;
        if (error == null) {
            next = first;
            blockEnd = first + BLOCK_SIZE;
        }
    }
}
