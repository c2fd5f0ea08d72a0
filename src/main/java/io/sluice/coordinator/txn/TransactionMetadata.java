package io.sluice.coordinator.txn;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * What the coordinator knows of one transactional id: the producer id and epoch it hands out, the transaction
 * timeout, the state, the partitions of the current transaction and when it started (-1 when none is open).
 */
public record TransactionMetadata(String transactionalId, long producerId, short producerEpoch, int timeoutMs,
                                  TransactionState state, Set<TopicPartition> partitions, long startTimestamp,
                                  long lastUpdateTimestamp) {
    public TransactionMetadata {
        partitions = Set.copyOf(partitions);
    }

    TransactionMetadata with(TransactionState newState, Set<TopicPartition> newPartitions, long newStart, long now) {
        return new TransactionMetadata(transactionalId, producerId, producerEpoch, timeoutMs, newState, newPartitions,
                newStart, now);
    }

    TransactionMetadata withProducer(long newProducerId, short newEpoch, int newTimeoutMs, long now) {
        return new TransactionMetadata(transactionalId, newProducerId, newEpoch, newTimeoutMs, TransactionState.EMPTY,
                Set.of(), -1, now);
    }

    TransactionMetadata withEpoch(short newEpoch) {
        return new TransactionMetadata(transactionalId, producerId, newEpoch, timeoutMs, state, partitions,
                startTimestamp, lastUpdateTimestamp);
    }
}
