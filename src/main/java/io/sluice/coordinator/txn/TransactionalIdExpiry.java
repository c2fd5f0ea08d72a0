package io.sluice.coordinator.txn;

/**
 * When the transaction coordinator forgets idle transactional ids, under Kafka's names.
 *
 * @param expirationMs    transactional.id.expiration.ms (604800000): an id with no transaction under way and not
 *                        updated for this long is removed
 * @param checkIntervalMs transaction.remove.expired.transaction.cleanup.interval.ms (3600000): how often
 */
public record TransactionalIdExpiry(long expirationMs, long checkIntervalMs) {}
