package io.sluice.coordinator.txn;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Hands out producer ids from blocks reserved durably (by the controller, or in ZooKeeper by the
 * broker itself), so an id is never reused, even across restarts, without a write per producer.
 */
public final class ProducerIdManager {
    /** A reserved range of producer ids: {@code [first, first + length)}. */
    public record Block(long first, int length) {
    }

    private final Supplier<CompletableFuture<Block>> reserveBlock;
    private long next;
    private long blockEnd;
    private CompletableFuture<Block> pendingReservation;

    /** @param reserveBlock reserves the next block for this broker */
    public ProducerIdManager(Supplier<CompletableFuture<Block>> reserveBlock) {
        this.reserveBlock = reserveBlock;
    }

    public synchronized CompletableFuture<Long> nextProducerId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        CompletableFuture<Block> reservation = pendingReservation;
        if (reservation == null) {
            // Set before asking, so a reservation that completes at once finds it to clear.
            CompletableFuture<Block> started = new CompletableFuture<>();
            pendingReservation = started;
            reservation = started;
            reserve().whenComplete((block, error) -> {
                reservationDone(block, error);
                if (error != null) {
                    started.completeExceptionally(error);
                } else {
                    started.complete(block);
                }
            });
        }
        return reservation.thenCompose(block -> nextProducerId());
    }

    private CompletableFuture<Block> reserve() {
        try {
            return reserveBlock.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A failed reservation is forgotten, so the next request asks again instead of failing forever. */
    private synchronized void reservationDone(Block block, Throwable error) {
        pendingReservation = null;
        if (error == null) {
            next = block.first();
            blockEnd = block.first() + block.length();
        }
    }
}
