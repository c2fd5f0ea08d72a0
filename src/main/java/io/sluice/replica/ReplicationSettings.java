package io.sluice.replica;

/**
 * Kafka's replication settings: replica.fetch.max.bytes (per partition),
 * replica.fetch.response.max.bytes, replica.fetch.wait.max.ms, replica.fetch.min.bytes,
 * replica.fetch.backoff.ms, replica.socket.timeout.ms, num.replica.fetchers,
 * replica.lag.time.max.ms, replica.high.watermark.checkpoint.interval.ms, and the listener followers
 * connect to (inter.broker.listener.name).
 */
public record ReplicationSettings(int fetchMaxBytes, int fetchResponseMaxBytes, int fetchWaitMaxMs, int fetchMinBytes,
                                  int fetchBackoffMs, int socketTimeoutMs, int numFetchers, long lagTimeMaxMs,
                                  long highWatermarkCheckpointIntervalMs, String interBrokerListener) {
}
