package io.sluice.server.config;

import java.util.Set;

/**
 * Broker configs Sluice lets IncrementalAlterConfigs change at runtime. A subset of those Kafka's
 * documentation marks "cluster-wide": the log defaults that every topic without an override
 * inherits, message size and durability limits, thread pool sizes; and the replication throttles
 * that {@code kafka-reassign-partitions --throttle} sets (per-broker in Kafka). Everything else is read-only
 * at runtime (listeners and TLS stores, "per-broker" in Kafka, need a restart here for now).
 */
final class DynamicBrokerConfigs {
    static final Set<String> UPDATABLE = Set.of(
            "log.retention.ms", "log.retention.minutes", "log.retention.hours", "log.retention.bytes",
            "log.roll.ms", "log.roll.hours", "log.roll.jitter.ms", "log.roll.jitter.hours",
            "log.segment.bytes", "log.segment.delete.delay.ms",
            "log.flush.interval.messages", "log.flush.interval.ms",
            "log.index.interval.bytes", "log.index.size.max.bytes", "log.preallocate",
            "log.cleanup.policy", "log.cleaner.delete.retention.ms", "log.cleaner.min.compaction.lag.ms",
            "log.cleaner.max.compaction.lag.ms", "log.cleaner.min.cleanable.ratio",
            "log.message.timestamp.type", "log.message.timestamp.before.max.ms", "log.message.timestamp.after.max.ms",
            "log.local.retention.ms", "log.local.retention.bytes",
            "compression.type", "compression.gzip.level", "compression.lz4.level", "compression.zstd.level",
            "message.max.bytes", "min.insync.replicas", "unclean.leader.election.enable",
            "num.io.threads", "num.network.threads", "num.replica.fetchers",
            "leader.replication.throttled.rate", "follower.replication.throttled.rate");

    private DynamicBrokerConfigs() {}
}
