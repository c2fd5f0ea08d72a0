package io.sluice.metadata.zk;

import java.util.List;

/**
 * Kafka's znode layout (as a ZooKeeper-mode Kafka broker writes it), relative to the chroot, so
 * Kafka's own tooling reads what Sluice writes and the other way round.
 */
final class ZnodePaths {
    static final String BROKERS = "/brokers";
    static final String BROKER_IDS = "/brokers/ids";
    static final String BROKER_TOPICS = "/brokers/topics";
    static final String BROKER_SEQID = "/brokers/seqid";
    static final String CONFIG = "/config";
    static final String CONFIG_TOPICS = "/config/topics";
    static final String CONFIG_BROKERS = "/config/brokers";
    static final String CONFIG_CHANGES = "/config/changes";
    /** Prefix of the sequential notification znodes Kafka brokers watch to reload dynamic configs. */
    static final String CONFIG_CHANGE_PREFIX = "/config/changes/config_change_";
    static final String ADMIN = "/admin";
    static final String ADMIN_DELETE_TOPICS = "/admin/delete_topics";
    static final String ISR_CHANGE_NOTIFICATION = "/isr_change_notification";
    static final String LATEST_PRODUCER_ID_BLOCK = "/latest_producer_id_block";
    static final String CLUSTER_ID = "/cluster/id";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";
    /** Kafka's name for the cluster-wide broker config entity. */
    static final String DEFAULT_BROKER_ENTITY = "<default>";

    /** The persistent znodes a Kafka cluster always has; created on start when missing. */
    static final List<String> PERSISTENT = List.of(BROKER_IDS, BROKER_TOPICS, BROKER_SEQID, CONFIG_TOPICS,
            CONFIG_BROKERS, CONFIG_CHANGES, ADMIN_DELETE_TOPICS, ISR_CHANGE_NOTIFICATION, "/config/users",
            "/config/clients", "/config/ips");

    private ZnodePaths() {}

    static String brokerId(int id) {
        return BROKER_IDS + "/" + id;
    }

    static String topic(String topic) {
        return BROKER_TOPICS + "/" + topic;
    }

    static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    static String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    static String topicConfig(String topic) {
        return CONFIG_TOPICS + "/" + topic;
    }

    /** {@code /config/brokers/<id>}, or {@code /config/brokers/<default>} for the cluster-wide entity. */
    static String brokerConfig(String entity) {
        return CONFIG_BROKERS + "/" + entity;
    }

    static String deleteTopic(String topic) {
        return ADMIN_DELETE_TOPICS + "/" + topic;
    }
}
