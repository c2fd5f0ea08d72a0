package io.sluice.log;

/**
 * One producer a partition knows (DescribeProducers, KIP-664): its epoch, its newest batch's last sequence and
 * timestamp (-1 without one), and the first offset of its open transaction (-1 if none).
 */
public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp, long currentTxnStartOffset) {}
