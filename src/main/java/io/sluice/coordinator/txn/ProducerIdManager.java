package io.sluice.coordinator.txn;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Hands out producer ids from blocks the controller reserves durably, so an id is never reused,
 * even across restarts, without a metadata write per producer.
 */
public final class ProducerIdManager {
    /** A reserved range of producer ids: {@code [first, first + length)}. */
    public record Block(long first, int length) {
    }

    private final Supplier<CompletableFuture<Block>> reserveBlock;
    private long next;
    private long blockEnd;
    private CompletableFuture<Void> pendingReservation;

    /** @param reserveBlock reserves the next block for this broker */
    public ProducerIdManager(Supplier<CompletableFuture<Block>> reserveBlock) {
        this.reserveBlock = reserveBlock;
    }

    public synchronized CompletableFuture<Long> nextProducerId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        if (pendingReservation == null) {
            CompletableFuture<Void> reservation = reserveBlock.get().thenAccept(this::useBlock);
            // A failed reservation fails the callers waiting on it, and the next caller tries afresh.
            reservation.whenComplete((v, error) -> forget(reservation));
            pendingReservation = reservation;
        }
        return pendingReservation.thenCompose(v -> nextProducerId());
    }

    private synchronized void useBlock(Block block) {
        next = block.first();
        blockEnd = block.first() + block.length();
    }

    private synchronized void forget(CompletableFuture<Void> reservation) {
        if (pendingReservation == reservation) {
            pendingReservation = null;
        }
    }
}
