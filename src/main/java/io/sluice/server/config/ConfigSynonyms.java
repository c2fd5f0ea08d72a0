package io.sluice.server.config;

import java.util.List;
import java.util.Map;

/**
 * Which broker keys stand behind a setting, in precedence order. Kafka lets several broker keys
 * express one duration (log.retention.ms / .minutes / .hours), and every topic config takes its
 * default from a broker key; both effective values and DescribeConfigs synonyms follow these lists.
 */
final class ConfigSynonyms {
    /** A broker key and the factor that turns its value into the target unit (ms, or 1 for non-durations). */
    record Synonym(String brokerKey, long factor) {
        static Synonym same(String brokerKey) {
            return new Synonym(brokerKey, 1);
        }
    }

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 3_600_000L;

    static final List<Synonym> RETENTION_MS = List.of(
            Synonym.same("log.retention.ms"), new Synonym("log.retention.minutes", MINUTE), new Synonym("log.retention.hours", HOUR));
    static final List<Synonym> ROLL_MS = List.of(Synonym.same("log.roll.ms"), new Synonym("log.roll.hours", HOUR));
    static final List<Synonym> ROLL_JITTER_MS = List.of(
            Synonym.same("log.roll.jitter.ms"), new Synonym("log.roll.jitter.hours", HOUR));
    static final List<Synonym> FLUSH_MS = List.of(
            Synonym.same("log.flush.interval.ms"), Synonym.same("log.flush.scheduler.interval.ms"));

    private static final List<List<Synonym>> BROKER_GROUPS = List.of(RETENTION_MS, ROLL_MS, ROLL_JITTER_MS, FLUSH_MS);

    /** Topic config → the broker keys it defaults from; topic configs absent here have no broker synonym. */
    static final Map<String, List<Synonym>> TOPIC_TO_BROKER = Map.ofEntries(
            Map.entry("cleanup.policy", List.of(Synonym.same("log.cleanup.policy"))),
            Map.entry("compression.type", List.of(Synonym.same("compression.type"))),
            Map.entry("compression.gzip.level", List.of(Synonym.same("compression.gzip.level"))),
            Map.entry("compression.lz4.level", List.of(Synonym.same("compression.lz4.level"))),
            Map.entry("compression.zstd.level", List.of(Synonym.same("compression.zstd.level"))),
            Map.entry("delete.retention.ms", List.of(Synonym.same("log.cleaner.delete.retention.ms"))),
            Map.entry("file.delete.delay.ms", List.of(Synonym.same("log.segment.delete.delay.ms"))),
            Map.entry("flush.messages", List.of(Synonym.same("log.flush.interval.messages"))),
            Map.entry("flush.ms", FLUSH_MS),
            Map.entry("index.interval.bytes", List.of(Synonym.same("log.index.interval.bytes"))),
            Map.entry("local.retention.bytes", List.of(Synonym.same("log.local.retention.bytes"))),
            Map.entry("local.retention.ms", List.of(Synonym.same("log.local.retention.ms"))),
            Map.entry("max.compaction.lag.ms", List.of(Synonym.same("log.cleaner.max.compaction.lag.ms"))),
            Map.entry("max.message.bytes", List.of(Synonym.same("message.max.bytes"))),
            Map.entry("message.timestamp.after.max.ms", List.of(Synonym.same("log.message.timestamp.after.max.ms"))),
            Map.entry("message.timestamp.before.max.ms", List.of(Synonym.same("log.message.timestamp.before.max.ms"))),
            Map.entry("message.timestamp.type", List.of(Synonym.same("log.message.timestamp.type"))),
            Map.entry("min.cleanable.dirty.ratio", List.of(Synonym.same("log.cleaner.min.cleanable.ratio"))),
            Map.entry("min.compaction.lag.ms", List.of(Synonym.same("log.cleaner.min.compaction.lag.ms"))),
            Map.entry("min.insync.replicas", List.of(Synonym.same("min.insync.replicas"))),
            Map.entry("preallocate", List.of(Synonym.same("log.preallocate"))),
            Map.entry("retention.bytes", List.of(Synonym.same("log.retention.bytes"))),
            Map.entry("retention.ms", RETENTION_MS),
            Map.entry("segment.bytes", List.of(Synonym.same("log.segment.bytes"))),
            Map.entry("segment.index.bytes", List.of(Synonym.same("log.index.size.max.bytes"))),
            Map.entry("segment.jitter.ms", ROLL_JITTER_MS),
            Map.entry("segment.ms", ROLL_MS),
            Map.entry("unclean.leader.election.enable", List.of(Synonym.same("unclean.leader.election.enable"))));

    private ConfigSynonyms() {}

    /** The broker keys describing the same setting as {@code brokerKey}, itself included, in precedence order. */
    static List<Synonym> forBrokerKey(String brokerKey) {
        for (List<Synonym> group : BROKER_GROUPS) {
            if (group.stream().anyMatch(s -> s.brokerKey().equals(brokerKey))) {
                return group;
            }
        }
        return List.of(Synonym.same(brokerKey));
    }

    static List<Synonym> forTopicKey(String topicKey) {
        return TOPIC_TO_BROKER.getOrDefault(topicKey, List.of());
    }

    /**
     * The value of the first synonym that has one (set, or defaulted non-null), scaled to the target
     * unit; null if none has a value. Scaling saturates so that huge hour values cannot wrap negative.
     */
    static Object resolve(BrokerConfig broker, List<Synonym> synonyms) {
        for (Synonym s : synonyms) {
            Object v = broker.get(s.brokerKey());
            if (v != null) {
                return s.factor() == 1 ? v : saturatedMultiply(((Number) v).longValue(), s.factor());
            }
        }
        return null;
    }

    private static long saturatedMultiply(long value, long factor) {
        long hi = Math.multiplyHigh(value, factor);
        long lo = value * factor;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return value < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
}
