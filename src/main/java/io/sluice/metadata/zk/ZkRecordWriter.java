package io.sluice.metadata.zk;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.ProtoIds;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.ConfigRecord;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.TransactionOp;
import org.apache.zookeeper.CreateMode;

/**
 * Translates one controller batch into the znode operations of one ZooKeeper transaction. The
 * first operation checks the {@code /controller_epoch} znode version this controller saw when it
 * was elected, so the whole transaction fails once another controller was elected (fencing).
 *
 * <p>It works from the images before and after the batch rather than record by record: each
 * entity a record touches is written whole from the after-image, which is what a znode holds
 * (a topic's znode is its full assignment, a config znode all of an entity's overrides).
 */
final class ZkRecordWriter {
    /** What the writer needs to know about the live znodes (create or set). */
    interface Existence {
        boolean exists(String path) throws Exception;
    }

    private final CuratorFramework zk;

    ZkRecordWriter(CuratorFramework zk) {
        this.zk = zk;
    }

    List<CuratorOp> ops(MetadataImage before, MetadataImage after, List<MetadataRecord> records,
                        int controllerEpoch, int epochZkVersion, Existence existence) throws Exception {
        TransactionOp op = zk.transactionOp();
        List<CuratorOp> ops = new ArrayList<>();
        ops.add(op.check().withVersion(epochZkVersion).forPath(ZnodePaths.CONTROLLER_EPOCH));

        Set<String> topics = new LinkedHashSet<>();
        Set<String> brokerConfigEntities = new LinkedHashSet<>();
        boolean producerIds = false;
        for (MetadataRecord record : records) {
            switch (record.getRecordCase()) {
                case TOPIC -> topics.add(record.getTopic().getName());
                case PARTITION -> topics.add(topicName(before, after, ProtoIds.fromProto(record.getPartition().getTopicId())));
                case PARTITION_CHANGE -> topics.add(topicName(before, after,
                        ProtoIds.fromProto(record.getPartitionChange().getTopicId())));
                case REMOVE_TOPIC -> topics.add(topicName(before, after,
                        ProtoIds.fromProto(record.getRemoveTopic().getTopicId())));
                case CONFIG -> {
                    ConfigRecord c = record.getConfig();
                    if (c.getResourceType() == ConfigResourceType.TOPIC) {
                        topics.add(c.getResourceName());
                    } else {
                        brokerConfigEntities.add(c.getResourceName());
                    }
                }
                case PRODUCER_IDS -> producerIds = true;
                default -> throw new IllegalArgumentException("The zk backend does not write "
                        + record.getRecordCase() + " records through the controller");
            }
        }
        for (String topic : topics) {
            topicOps(op, ops, before.topic(topic).orElse(null), after.topic(topic).orElse(null), controllerEpoch);
        }
        for (String resource : brokerConfigEntities) {
            String entity = resource.equals(MetadataRecords.CLUSTER_DEFAULT_BROKER) ? ZnodePaths.DEFAULT_BROKER_ENTITY : resource;
            Map<String, String> configs = resource.equals(MetadataRecords.CLUSTER_DEFAULT_BROKER)
                    ? after.brokerConfigs() : after.brokerConfigsById().getOrDefault(Integer.parseInt(resource), Map.of());
            String path = ZnodePaths.brokerConfig(entity);
            byte[] data = EntityConfigJson.encode(configs);
            ops.add(existence.exists(path) ? op.setData().forPath(path, data) : op.create().forPath(path, data));
            ops.add(notification(op, "brokers/" + entity));
        }
        if (producerIds) {
            long start = before.nextProducerId();
            long endInclusive = after.nextProducerId() - 1;
            int broker = lastProducerIdsBroker(records);
            byte[] data = SmallZnodesJson.producerIdBlock(broker, start, endInclusive);
            ops.add(existence.exists(ZnodePaths.LATEST_PRODUCER_ID_BLOCK)
                    ? op.setData().forPath(ZnodePaths.LATEST_PRODUCER_ID_BLOCK, data)
                    : op.create().forPath(ZnodePaths.LATEST_PRODUCER_ID_BLOCK, data));
        }
        return ops;
    }

    private void topicOps(TransactionOp op, List<CuratorOp> ops, TopicImage before, TopicImage after,
                          int controllerEpoch) throws Exception {
        if (before != null && (after == null || !before.id().equals(after.id()))) {
            deleteTopic(op, ops, before);
            before = null;
        }
        if (after == null) {
            return;
        }
        String name = after.name();
        if (before == null) {
            ops.add(op.create().forPath(ZnodePaths.topic(name), assignment(after)));
            ops.add(op.create().forPath(ZnodePaths.partitions(name)));
            for (PartitionImage p : after.partitions().values()) {
                createPartition(op, ops, name, p, controllerEpoch);
            }
            // Kafka always has a config znode per topic, empty or not.
            ops.add(op.create().forPath(ZnodePaths.topicConfig(name), EntityConfigJson.encode(after.configs())));
            ops.add(notification(op, "topics/" + name));
            return;
        }
        if (!assignmentOf(before).equals(assignmentOf(after))) {
            ops.add(op.setData().forPath(ZnodePaths.topic(name), assignment(after)));
        }
        for (PartitionImage p : after.partitions().values()) {
            PartitionImage old = before.partitions().get(p.partition());
            if (old == null) {
                createPartition(op, ops, name, p, controllerEpoch);
            } else if (old.leader() != p.leader() || old.leaderEpoch() != p.leaderEpoch()
                    || !old.isr().equals(p.isr())) {
                ops.add(op.setData().forPath(ZnodePaths.partitionState(name, p.partition()), state(p, controllerEpoch)));
            }
        }
        if (!Objects.equals(before.configs(), after.configs())) {
            ops.add(op.setData().forPath(ZnodePaths.topicConfig(name), EntityConfigJson.encode(after.configs())));
            ops.add(notification(op, "topics/" + name));
        }
    }

    /** Children first: a ZooKeeper delete refuses a znode that still has children. */
    private void deleteTopic(TransactionOp op, List<CuratorOp> ops, TopicImage topic) throws Exception {
        String name = topic.name();
        for (PartitionImage p : topic.partitions().values()) {
            ops.add(op.delete().forPath(ZnodePaths.partitionState(name, p.partition())));
            ops.add(op.delete().forPath(ZnodePaths.partition(name, p.partition())));
        }
        ops.add(op.delete().forPath(ZnodePaths.partitions(name)));
        ops.add(op.delete().forPath(ZnodePaths.topic(name)));
        ops.add(op.delete().forPath(ZnodePaths.topicConfig(name)));
    }

    private void createPartition(TransactionOp op, List<CuratorOp> ops, String topic, PartitionImage p,
                                 int controllerEpoch) throws Exception {
        ops.add(op.create().forPath(ZnodePaths.partition(topic, p.partition())));
        ops.add(op.create().forPath(ZnodePaths.partitionState(topic, p.partition()), state(p, controllerEpoch)));
    }

    private static CuratorOp notification(TransactionOp op, String entityPath) throws Exception {
        return op.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZnodePaths.CONFIG_CHANGE_PREFIX, EntityConfigJson.changeNotification(entityPath));
    }

    private static byte[] assignment(TopicImage topic) {
        return TopicAssignmentJson.encode(topic.id(), replicas(topic, PartitionImage::replicas),
                replicas(topic, PartitionImage::addingReplicas), replicas(topic, PartitionImage::removingReplicas));
    }

    /** What the topic znode holds: every partition's replicas and ongoing reassignment. */
    private static List<Map<Integer, List<Integer>>> assignmentOf(TopicImage topic) {
        return List.of(replicas(topic, PartitionImage::replicas), replicas(topic, PartitionImage::addingReplicas),
                replicas(topic, PartitionImage::removingReplicas));
    }

    private static Map<Integer, List<Integer>> replicas(TopicImage topic,
                                                        java.util.function.Function<PartitionImage, List<Integer>> which) {
        Map<Integer, List<Integer>> replicas = new TreeMap<>();
        topic.partitions().forEach((p, image) -> replicas.put(p, which.apply(image)));
        return replicas;
    }

    private static byte[] state(PartitionImage p, int controllerEpoch) {
        return PartitionStateJson.encode(new PartitionStateJson.State(p.leader(), p.leaderEpoch(), p.isr(), controllerEpoch));
    }

    private static String topicName(MetadataImage before, MetadataImage after, org.apache.kafka.common.Uuid id) {
        return after.topic(id).or(() -> before.topic(id)).map(TopicImage::name)
                .orElseThrow(() -> new IllegalStateException("Record for unknown topic id " + id));
    }

    private static int lastProducerIdsBroker(List<MetadataRecord> records) {
        int broker = -1;
        for (MetadataRecord r : records) {
            if (r.hasProducerIds()) {
                broker = r.getProducerIds().getBrokerId();
            }
        }
        return broker;
    }
}
