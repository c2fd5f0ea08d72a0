package io.sluice.coordinator.txn;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Hands out producer ids from blocks reserved durably (by the controller, or in ZooKeeper by the
 * broker itself), so an id is never reused, even across restarts, without a write per producer.
 *
 * <p>The next block is reserved ahead (KIP-730): once at startup ({@link #prefetch}) and again when
 * the block in use is 90% handed out. A broker then keeps serving InitProducerId through a while
 * without its controller or ZooKeeper, and producers do not wait on a reservation at a block's end.
 */
public final class ProducerIdManager {
    /** A reserved range of producer ids: {@code [first, first + length)}. */
    public record Block(long first, int length) {
    }

    private static final double PREFETCH_WHEN_USED = 0.9;

    private final Supplier<CompletableFuture<Block>> reserveBlock;
    private long next;
    private long blockEnd;
    private long prefetchAt;
    /** Reserved and not yet in use: taken when the current block runs out. */
    private Block reserved;
    private CompletableFuture<Block> pendingReservation;

    /** @param reserveBlock reserves the next block for this broker */
    public ProducerIdManager(Supplier<CompletableFuture<Block>> reserveBlock) {
        this.reserveBlock = reserveBlock;
    }

    /** Reserves a block now unless one is reserved or being reserved; a failure is retried on demand. */
    public synchronized void prefetch() {
        if (reserved == null && pendingReservation == null) {
            startReservation();
        }
    }

    public synchronized CompletableFuture<Long> nextProducerId() {
        if (next >= blockEnd && reserved != null) {
            next = reserved.first();
            blockEnd = reserved.first() + reserved.length();
            prefetchAt = reserved.first() + (long) (reserved.length() * PREFETCH_WHEN_USED);
            reserved = null;
        }
        if (next < blockEnd) {
            long id = next++;
            if (next >= prefetchAt) {
                prefetch();
            }
            return CompletableFuture.completedFuture(id);
        }
        CompletableFuture<Block> reservation = pendingReservation != null ? pendingReservation : startReservation();
        return reservation.thenCompose(block -> nextProducerId());
    }

    private CompletableFuture<Block> startReservation() {
        // Set before asking, so a reservation that completes at once finds it to clear.
        CompletableFuture<Block> started = new CompletableFuture<>();
        pendingReservation = started;
        reserve().whenComplete((block, error) -> {
            reservationDone(block, error);
            if (error != null) {
                started.completeExceptionally(error);
            } else {
                started.complete(block);
            }
        });
        return started;
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
            reserved = block;
        }
    }
}
