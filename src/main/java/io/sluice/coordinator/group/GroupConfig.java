package io.sluice.coordinator.group;

/** The broker settings the group coordinator obeys. */
public record GroupConfig(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
                          int maxGroupSize, long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                          int maxMetadataBytes, long offsetsCommitTimeoutMs) {
}
