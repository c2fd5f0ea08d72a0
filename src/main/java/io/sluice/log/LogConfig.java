package io.sluice.log;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;

/**
 * The topic-level settings the storage engine obeys, under Kafka's topic config names.
 * Immutable: {@link PartitionLog#updateConfig} swaps the whole record so an append never sees a half-updated config.
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        long flushIntervalMessages,
        long flushIntervalMs,
        int indexIntervalBytes,
        int segmentIndexBytes,
        int maxMessageBytes,
        TimestampType messageTimestampType,
        long fileDeleteDelayMs,
        Set<String> cleanupPolicy,
        long deleteRetentionMs,
        double minCleanableDirtyRatio,
        long minCompactionLagMs,
        long maxCompactionLagMs) {

    public static final String DELETE = "delete";
    public static final String COMPACT = "compact";

    public LogConfig {
        // A segment must hold at least one batch header, and an index at least one entry, or rolling never ends.
        if (segmentBytes < 14) throw new ConfigException("segment.bytes", segmentBytes, "must be at least 14");
        if (segmentIndexBytes < TimeIndex.ENTRY_SIZE)
            throw new ConfigException("segment.index.bytes", segmentIndexBytes, "must hold at least one entry");
        if (messageTimestampType != TimestampType.CREATE_TIME && messageTimestampType != TimestampType.LOG_APPEND_TIME)
            throw new ConfigException("message.timestamp.type", messageTimestampType, "must be CreateTime or LogAppendTime");
        cleanupPolicy = Set.copyOf(cleanupPolicy);
        for (String p : cleanupPolicy)
            if (!p.equals(DELETE) && !p.equals(COMPACT)) throw new ConfigException("cleanup.policy", p, "unknown policy");
    }

    public static LogConfig defaults() {
        return fromMap(Map.of());
    }

    /** Builds a config from Kafka topic config names; values may be Number, String, Boolean or List. Missing keys take Kafka's defaults. */
    public static LogConfig fromMap(Map<String, ?> props) {
        return new LogConfig(
                (int) longOf(props, "segment.bytes", 1073741824L),
                longOf(props, "segment.ms", 604800000L),
                longOf(props, "retention.ms", 604800000L),
                longOf(props, "retention.bytes", -1L),
                longOf(props, "flush.messages", Long.MAX_VALUE),
                longOf(props, "flush.ms", Long.MAX_VALUE),
                (int) longOf(props, "index.interval.bytes", 4096L),
                (int) longOf(props, "segment.index.bytes", 10485760L),
                (int) longOf(props, "max.message.bytes", 1048588L),
                timestampTypeOf(props.get("message.timestamp.type")),
                longOf(props, "file.delete.delay.ms", 60000L),
                policiesOf(props.get("cleanup.policy")),
                longOf(props, "delete.retention.ms", 86400000L),
                doubleOf(props, "min.cleanable.dirty.ratio", 0.5),
                longOf(props, "min.compaction.lag.ms", 0L),
                longOf(props, "max.compaction.lag.ms", Long.MAX_VALUE));
    }

    /**
     * Age at which the active segment rolls: segment.ms, or max.compaction.lag.ms if smaller on a compacted log, as
     * Kafka does, because the cleaner never touches the active segment and the lag bound could not hold otherwise.
     */
    public long rollMs() {
        return compacted() && maxCompactionLagMs > 0 ? Math.min(segmentMs, maxCompactionLagMs) : segmentMs;
    }

    public boolean compacted() {
        return cleanupPolicy.contains(COMPACT);
    }

    /** Time and size retention apply only to topics whose policy includes delete, as in Kafka. */
    public boolean retentionEnabled() {
        return cleanupPolicy.contains(DELETE);
    }

    private static long longOf(Map<String, ?> props, String key, long dflt) {
        Object v = props.get(key);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.longValue();
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not a number");
        }
    }

    private static double doubleOf(Map<String, ?> props, String key, double dflt) {
        Object v = props.get(key);
        if (v == null) return dflt;
        if (v instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "not a number");
        }
    }

    private static TimestampType timestampTypeOf(Object v) {
        if (v == null) return TimestampType.CREATE_TIME;
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("CreateTime")) return TimestampType.CREATE_TIME;
        if (s.equalsIgnoreCase("LogAppendTime")) return TimestampType.LOG_APPEND_TIME;
        throw new ConfigException("message.timestamp.type", v, "must be CreateTime or LogAppendTime");
    }

    private static Set<String> policiesOf(Object v) {
        if (v == null) return Set.of(DELETE);
        Collection<?> items = v instanceof Collection<?> c ? c : Arrays.asList(v.toString().split(","));
        Set<String> out = new LinkedHashSet<>();
        for (Object item : items) {
            String s = item.toString().trim().toLowerCase(Locale.ROOT);
            if (!s.isEmpty()) out.add(s);
        }
        return out;
    }
}
