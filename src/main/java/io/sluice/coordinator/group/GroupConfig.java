package io.sluice.coordinator.group;

/** The broker settings the group coordinator obeys. */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                          int maxGroupSize, long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                          int maxMetadataBytes) {
    /** Kafka's offset.metadata.max.bytes default. */
    public static final int DEFAULT_MAX_METADATA_BYTES = 4096;
    /** Kafka's offsets.retention.check.interval.ms default. */
    public static final long DEFAULT_RETENTION_CHECK_MS = 600_000;
}
