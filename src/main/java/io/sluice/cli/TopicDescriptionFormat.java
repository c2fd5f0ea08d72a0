package io.sluice.cli;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** kafka-topics --describe's text: a topic line, then one tab-indented line per partition. */
final class TopicDescriptionFormat {
    private TopicDescriptionFormat() {}

    static String topicLine(TopicDescription topic, Config config) {
        List<TopicPartitionInfo> partitions = topic.partitions();
        int replicationFactor = partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
        return "Topic: " + topic.name()
                + "\tTopicId: " + topic.topicId()
                + "\tPartitionCount: " + partitions.size()
                + "\tReplicationFactor: " + replicationFactor
                + "\tConfigs: " + configs(config);
    }

    static String partitionLine(String topic, TopicPartitionInfo p) {
        return "\tTopic: " + topic
                + "\tPartition: " + p.partition()
                + "\tLeader: " + (p.leader() == null || p.leader().isEmpty() ? "none" : p.leader().id())
                + "\tReplicas: " + ids(p.replicas())
                + "\tIsr: " + ids(p.isr())
                + "\tElr: " + ids(p.elr())
                + "\tLastKnownElr: " + ids(p.lastKnownElr());
    }

    /** Like kafka-topics: everything not at its built-in default (topic overrides and static broker settings). */
    private static String configs(Config config) {
        if (config == null) {
            return "";
        }
        return config.entries().stream()
                .filter(e -> e.source() != ConfigEntry.ConfigSource.DEFAULT_CONFIG)
                .map(e -> e.name() + "=" + (e.isSensitive() ? "<sensitive>" : e.value()))
                .collect(Collectors.joining(","));
    }

    private static String ids(List<Node> nodes) {
        if (nodes == null) {
            return "";
        }
        return nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(","));
    }
}
