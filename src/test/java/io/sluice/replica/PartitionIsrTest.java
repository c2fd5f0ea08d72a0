package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.log.LogConfig;
import io.sluice.log.PartitionLog;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's side of one partition over a real log: the high watermark from follower fetches, the
 * acks=all waiters it completes, and the ISR proposal in flight (until the controller's answer is in
 * the image).
 */
class PartitionIsrTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final IsrPolicy.Eligibility ANY_BROKER = (replica, brokerEpoch) -> true;

    @TempDir
    Path dir;
    private PartitionLog log;
    private Partition partition;

    @BeforeEach
    void open() {
        log = PartitionLog.open(dir.resolve("t-0"), TP, LogConfig.defaults(), true, Clock.systemUTC());
        partition = new Partition(TP, Uuid.randomUuid(), log, 1, state(List.of(1, 2), 0, 2), tp -> { }, -1, 0);
    }

    @AfterEach
    void close() {
        log.close();
    }

    @Test
    void theHighWatermarkIsTheSmallestLogEndOfTheIsrAndCompletesAcksAllWaiters() {
        append(5);
        CompletableFuture<Errors> waiter = partition.awaitReplication(4);
        assertEquals(0, partition.highWatermark());
        partition.followerFetched(2, 7, 3, 5, 100);
        assertEquals(3, partition.highWatermark());
        assertFalse(waiter.isDone());
        partition.followerFetched(2, 7, 5, 5, 200);
        assertEquals(5, partition.highWatermark());
        assertEquals(Errors.NONE, waiter.getNow(null));
        partition.followerFetched(2, 7, 4, 5, 300); // a stale fetch never moves it back
        assertEquals(5, partition.highWatermark());
    }

    @Test
    void aFollowerOutsideTheIsrCountsOnceItsExpansionIsProposedUntilTheProposalIsDropped() {
        partition.update(state(List.of(1), 1, 2), LogConfig.defaults(), 0); // the controller shrank the ISR to the leader
        append(5);
        assertEquals(5, partition.highWatermark());
        append(5);
        partition.followerFetched(3, 7, 8, 10, 100);
        Optional<Partition.IsrProposal> proposal = partition.proposeIsrExpansion(ANY_BROKER);
        assertTrue(proposal.isEmpty(), "replica 3 is not assigned: only replica 2 may join");
        partition.followerFetched(2, 7, 5, 10, 100);
        assertTrue(partition.proposeIsrExpansion(ANY_BROKER).isEmpty(), "replica 2 is below the high watermark (10)");
        partition.followerFetched(2, 7, 10, 10, 150);
        proposal = partition.proposeIsrExpansion(ANY_BROKER);
        assertEquals(List.of(1, 2), proposal.orElseThrow().isr());
        assertEquals(1, proposal.get().partitionEpoch());
        assertTrue(partition.proposeIsrExpansion(ANY_BROKER).isEmpty(), "one proposal in flight at a time");
        // The proposed member already holds the high watermark back: a committed offset must be on it.
        append(5);
        assertEquals(10, partition.highWatermark());
        partition.followerFetched(2, 7, 12, 15, 200);
        assertEquals(12, partition.highWatermark());
        assertTrue(partition.isCurrent(proposal.get()));

        partition.dropIsrProposal(proposal.get());
        assertFalse(partition.isCurrent(proposal.get()));
        assertTrue(partition.proposeIsrExpansion(ANY_BROKER).isPresent(), "a dropped proposal is decided afresh");
    }

    @Test
    void aNewPartitionEpochSettlesTheProposalAndLosingLeadershipFailsTheWaiters() {
        Optional<Partition.IsrProposal> shrink = partition.proposeIsrShrink(60_000, 30_000);
        assertEquals(List.of(1), shrink.orElseThrow().isr(), "replica 2 never fetched within the lag time");
        partition.update(state(List.of(1), 1, 2), LogConfig.defaults(), 60_000);
        assertFalse(partition.isCurrent(shrink.get()));

        partition.update(state(List.of(1, 2), 2, 2), LogConfig.defaults(), 60_000);
        append(1);
        CompletableFuture<Errors> waiter = partition.awaitReplication(0);
        assertFalse(waiter.isDone(), "replica 2 does not hold offset 0 yet");
        partition.update(new Partition.LeaderState(2, 1, List.of(1, 2), List.of(1, 2), 3, 2), LogConfig.defaults(), 60_000);
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, waiter.getNow(null));
    }

    @Test
    void aPartitionThisBrokerStopsHostingFailsItsWaitingProducesAndLeadsNoMore() {
        append(1);
        CompletableFuture<Errors> waiter = partition.awaitReplication(0);
        assertFalse(waiter.isDone(), "replica 2 does not hold offset 0 yet");
        partition.stopHosting();
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, waiter.getNow(null));
        assertFalse(partition.isLeader(1));
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, partition.awaitReplication(0).getNow(null));
    }

    @Test
    void replicasAReassignmentIsAddingDoNotMakeThePartitionUnderReplicated() {
        partition.update(new Partition.LeaderState(1, 0, List.of(3, 1, 2), List.of(1, 2), 1, 2, List.of(3)),
                LogConfig.defaults(), 0);
        assertFalse(partition.isUnderReplicated(), "replica 3 is being added, replicas 1 and 2 are in sync");
        partition.update(new Partition.LeaderState(1, 0, List.of(3, 1, 2), List.of(1), 2, 2, List.of(3)),
                LogConfig.defaults(), 0);
        assertTrue(partition.isUnderReplicated(), "replica 2, an original replica, is out of sync");
    }

    private void append(int records) {
        for (int i = 0; i < records; i++) {
            partition.appendAsLeader(1, MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(("r" + i).getBytes())),
                    (short) 1);
        }
    }

    private static Partition.LeaderState state(List<Integer> isr, int partitionEpoch, int minIsr) {
        return new Partition.LeaderState(1, 0, List.of(1, 2), isr, partitionEpoch, minIsr);
    }
}
