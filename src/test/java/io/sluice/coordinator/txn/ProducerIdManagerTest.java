package io.sluice.coordinator.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotControllerException;
import org.junit.jupiter.api.Test;

class ProducerIdManagerTest {
    private static final int BLOCK = 1000;

    @Test
    void idsComeFromReservedBlocksAndTheNextIsReservedWhenNinetyPercentAreHandedOut() {
        List<Integer> asked = new ArrayList<>();
        ProducerIdManager ids = new ProducerIdManager(() -> {
            asked.add(BLOCK);
            return CompletableFuture.completedFuture(new ProducerIdManager.Block(5000L * asked.size(), BLOCK));
        });
        assertEquals(5000L, ids.nextProducerId().join());
        assertEquals(5001L, ids.nextProducerId().join());
        for (int i = 2; i < BLOCK * 9 / 10 - 1; i++) {
            ids.nextProducerId().join();
        }
        assertEquals(1, asked.size(), "one reservation until 90% of the block is handed out");
        ids.nextProducerId().join();
        assertEquals(2, asked.size(), "the next block reserved ahead");
        for (int i = BLOCK * 9 / 10; i < BLOCK; i++) {
            ids.nextProducerId().join();
        }
        assertEquals(10000L, ids.nextProducerId().join(), "the reserved block once the first is used up");
        assertEquals(2, asked.size());
    }

    @Test
    void aBlockPrefetchedAtStartupServesIdsWhileReservationsFail() {
        List<Boolean> reachable = new ArrayList<>(List.of(true));
        ProducerIdManager ids = new ProducerIdManager(() -> reachable.get(0)
                ? CompletableFuture.completedFuture(new ProducerIdManager.Block(7000L, BLOCK))
                : CompletableFuture.failedFuture(new NotControllerException("ZooKeeper is unreachable")));
        ids.prefetch();
        reachable.set(0, false);
        assertEquals(7000L, ids.nextProducerId().join(), "served from the block reserved at startup");
        assertEquals(7001L, ids.nextProducerId().join());
    }

    @Test
    void aFailedReservationIsAskedAgainByTheNextRequest() {
        List<CompletableFuture<ProducerIdManager.Block>> reservations = new ArrayList<>();
        ProducerIdManager ids = new ProducerIdManager(() -> {
            CompletableFuture<ProducerIdManager.Block> r = new CompletableFuture<>();
            reservations.add(r);
            return r;
        });
        CompletableFuture<Long> first = ids.nextProducerId();
        CompletableFuture<Long> waiting = ids.nextProducerId();
        assertEquals(1, reservations.size(), "requests wait on one reservation");
        reservations.get(0).completeExceptionally(new NotControllerException("not now"));
        CompletionException e = assertThrows(CompletionException.class, first::join);
        assertTrue(e.getCause() instanceof NotControllerException, e.toString());
        assertThrows(CompletionException.class, waiting::join);

        CompletableFuture<Long> retry = ids.nextProducerId();
        assertEquals(2, reservations.size(), "a new reservation, not the failed one again");
        reservations.get(1).complete(new ProducerIdManager.Block(3000L, BLOCK));
        assertEquals(3000L, retry.join());
        assertEquals(3001L, ids.nextProducerId().join());
    }
}
