package io.sluice.log;

/**
 * Broker-level settings of the log cleaner, under Kafka's names (log.cleaner.*). Topic-level settings
 * (min.cleanable.dirty.ratio, min/max.compaction.lag.ms, delete.retention.ms) are in {@link LogConfig}.
 *
 * @param enabled          log.cleaner.enable (true)
 * @param threads          log.cleaner.threads (1)
 * @param backoffMs        log.cleaner.backoff.ms (15000): sleep when no log needs cleaning
 * @param dedupeBufferSize log.cleaner.dedupe.buffer.size (134217728): memory for key maps, shared by all threads
 * @param ioBufferSize     log.cleaner.io.buffer.size (524288): how much of a segment is read at once
 */
public record CleanerSettings(boolean enabled, int threads, long backoffMs, long dedupeBufferSize, int ioBufferSize) {
    public static CleanerSettings defaults() {
        return new CleanerSettings(true, 1, 15000L, 134217728L, 524288);
    }

    public CleanerSettings {
        if (threads < 1) throw new IllegalArgumentException("log.cleaner.threads must be at least 1");
        if (ioBufferSize < 1) throw new IllegalArgumentException("log.cleaner.io.buffer.size must be positive");
    }

    /** Each thread owns one key map. */
    long dedupeBytesPerThread() {
        return dedupeBufferSize / threads;
    }
}
