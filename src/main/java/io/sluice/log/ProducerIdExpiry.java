package io.sluice.log;

/**
 * When partitions forget idle idempotent producers (KIP-854), under Kafka's names.
 *
 * @param expirationMs    producer.id.expiration.ms (86400000): a producer without an open transaction whose last
 *                        write is older than this is removed from the partition's producer state
 * @param checkIntervalMs producer.id.expiration.check.interval.ms (600000): how often the logs are checked
 */
public record ProducerIdExpiry(long expirationMs, long checkIntervalMs) {
    public static ProducerIdExpiry defaults() {
        return new ProducerIdExpiry(86400000L, 600000L);
    }
}
