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
    @Test
    void idsComeFromReservedBlocksOneReservationPerBlock() {
        List<Integer> asked = new ArrayList<>();
        ProducerIdManager ids = new ProducerIdManager(size -> {
            asked.add(size);
            return CompletableFuture.completedFuture(5000L * asked.size());
        });
        assertEquals(5000L, ids.nextProducerId().join());
        assertEquals(5001L, ids.nextProducerId().join());
        for (int i = 2; i < ProducerIdManager.BLOCK_SIZE; i++) {
            ids.nextProducerId().join();
        }
        assertEquals(List.of(ProducerIdManager.BLOCK_SIZE), asked);
        assertEquals(10000L, ids.nextProducerId().join(), "the next block once one is used up");
        assertEquals(2, asked.size());
    }

    @Test
    void aFailedReservationIsAskedAgainByTheNextRequest() {
        List<CompletableFuture<Long>> reservations = new ArrayList<>();
        ProducerIdManager ids = new ProducerIdManager(size -> {
            CompletableFuture<Long> r = new CompletableFuture<>();
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
        reservations.get(1).complete(3000L);
        assertEquals(3000L, retry.join());
        assertEquals(3001L, ids.nextProducerId().join());
    }
}
