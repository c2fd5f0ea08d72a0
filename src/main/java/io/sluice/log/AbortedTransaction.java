package io.sluice.log;

/**
 * One aborted transaction of a partition: its records lie in [firstOffset, lastOffset), its ABORT marker at
 * lastOffset; lastStableOffset is the partition's last stable offset once it completed. A read_committed consumer
 * drops the producer's records from firstOffset up to the marker.
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {}
