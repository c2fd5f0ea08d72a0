package io.sluice.server.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Kafka 4.x's topic-level configs with their documented types, defaults and valid values. The
 * names and doc strings come from kafka-clients' public {@link TopicConfig}. message.downconversion.enable
 * is left out: Kafka 4 no longer has down-conversion. The defaults here only apply when a broker
 * synonym is absent (see {@link ConfigSynonyms#TOPIC_TO_BROKER}); otherwise the broker's value is the default.
 */
public final class TopicConfigDef {
    private static final Pattern THROTTLED_REPLICA = Pattern.compile("^\\d+:\\d+$");
    private static final ConfigDef DEF = build();

    private TopicConfigDef() {}

    public static ConfigDef configDef() {
        return DEF;
    }

    private static ConfigDef build() {
        ConfigDef d = new ConfigDef();
        d.define(TopicConfig.CLEANUP_POLICY_CONFIG, LIST, "delete", ValidList.in("compact", "delete"), MEDIUM,
                TopicConfig.CLEANUP_POLICY_DOC);
        d.define(TopicConfig.COMPRESSION_TYPE_CONFIG, STRING, "producer", ValidString.in(BrokerConfigDef.COMPRESSION_TYPES),
                MEDIUM, TopicConfig.COMPRESSION_TYPE_DOC);
        d.define(TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, INT, -1, BrokerConfigDef.gzipLevel(), MEDIUM,
                TopicConfig.COMPRESSION_GZIP_LEVEL_DOC);
        d.define(TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, INT, 9, Range.between(1, 17), MEDIUM,
                TopicConfig.COMPRESSION_LZ4_LEVEL_DOC);
        d.define(TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, INT, 3, Range.between(-131072, 22), MEDIUM,
                TopicConfig.COMPRESSION_ZSTD_LEVEL_DOC);
        d.define(TopicConfig.DELETE_RETENTION_MS_CONFIG, LONG, 86400000L, Range.atLeast(0), MEDIUM,
                TopicConfig.DELETE_RETENTION_MS_DOC);
        d.define(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, LONG, 60000L, Range.atLeast(0), MEDIUM,
                TopicConfig.FILE_DELETE_DELAY_MS_DOC);
        d.define(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(1), MEDIUM,
                TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC);
        d.define(TopicConfig.FLUSH_MS_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM, TopicConfig.FLUSH_MS_DOC);
        d.define("follower.replication.throttled.replicas", LIST, "", throttledReplicas(), MEDIUM,
                "Replicas whose follower-side replication of this topic is throttled: partition:broker pairs, or *.");
        d.define(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, INT, 4096, Range.atLeast(0), MEDIUM,
                TopicConfig.INDEX_INTERVAL_BYTES_DOC);
        d.define("leader.replication.throttled.replicas", LIST, "", throttledReplicas(), MEDIUM,
                "Replicas whose leader-side replication of this topic is throttled: partition:broker pairs, or *.");
        d.define(TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, LONG, -2L, Range.atLeast(-2), MEDIUM,
                TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC);
        d.define(TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, LONG, -2L, Range.atLeast(-2), MEDIUM,
                TopicConfig.LOCAL_LOG_RETENTION_MS_DOC);
        d.define(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(1), MEDIUM,
                TopicConfig.MAX_COMPACTION_LAG_MS_DOC);
        d.define(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, INT, 1048588, Range.atLeast(0), MEDIUM,
                TopicConfig.MAX_MESSAGE_BYTES_DOC);
        d.define(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, LONG, 3600000L, Range.atLeast(0), MEDIUM,
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC);
        d.define(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM,
                TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC);
        d.define(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, STRING, "CreateTime", ValidString.in(BrokerConfigDef.TIMESTAMP_TYPES),
                MEDIUM, TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC);
        d.define(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, DOUBLE, 0.5, Range.between(0, 1), MEDIUM,
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC);
        d.define(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, LONG, 0L, Range.atLeast(0), MEDIUM,
                TopicConfig.MIN_COMPACTION_LAG_MS_DOC);
        d.define(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, INT, 1, Range.atLeast(1), MEDIUM,
                TopicConfig.MIN_IN_SYNC_REPLICAS_DOC);
        d.define(TopicConfig.PREALLOCATE_CONFIG, BOOLEAN, false, MEDIUM, TopicConfig.PREALLOCATE_DOC);
        d.define(TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG, BOOLEAN, false, MEDIUM, TopicConfig.REMOTE_LOG_COPY_DISABLE_DOC);
        d.define(TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG, BOOLEAN, false, MEDIUM,
                TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_DOC);
        d.define(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, BOOLEAN, false, MEDIUM, TopicConfig.REMOTE_LOG_STORAGE_ENABLE_DOC);
        d.define(TopicConfig.RETENTION_BYTES_CONFIG, LONG, -1L, MEDIUM, TopicConfig.RETENTION_BYTES_DOC);
        d.define(TopicConfig.RETENTION_MS_CONFIG, LONG, 604800000L, Range.atLeast(-1), MEDIUM, TopicConfig.RETENTION_MS_DOC);
        d.define(TopicConfig.SEGMENT_BYTES_CONFIG, INT, 1073741824, Range.atLeast(1024 * 1024), MEDIUM,
                TopicConfig.SEGMENT_BYTES_DOC);
        d.define(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, INT, 10485760, Range.atLeast(4), MEDIUM,
                TopicConfig.SEGMENT_INDEX_BYTES_DOC);
        d.define(TopicConfig.SEGMENT_JITTER_MS_CONFIG, LONG, 0L, Range.atLeast(0), MEDIUM, TopicConfig.SEGMENT_JITTER_MS_DOC);
        d.define(TopicConfig.SEGMENT_MS_CONFIG, LONG, 604800000L, Range.atLeast(1), MEDIUM, TopicConfig.SEGMENT_MS_DOC);
        d.define(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, BOOLEAN, false, MEDIUM,
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC);
        d.define(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG, BOOLEAN, false, LOW,
                TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_DOC);
        return d;
    }

    /** Either "*" alone or partition:broker pairs, as the throttled-replica configs take. */
    private static ConfigDef.Validator throttledReplicas() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            @SuppressWarnings("unchecked")
            List<String> entries = (List<String>) value;
            boolean wildcard = entries.size() == 1 && entries.get(0).equals("*");
            if (!wildcard && !entries.stream().allMatch(e -> THROTTLED_REPLICA.matcher(e).matches())) {
                throw new ConfigException(name, value, "must be * or a list of partitionId:brokerId");
            }
        }, () -> "[partitionId]:[brokerId],[partitionId]:[brokerId],... or *");
    }
}
