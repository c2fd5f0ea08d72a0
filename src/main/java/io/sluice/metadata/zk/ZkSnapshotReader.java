package io.sluice.metadata.zk;

import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jboss.logging.Logger;

/**
 * Reads the znodes straight from ZooKeeper (not from a cache) and turns them into the metadata
 * records that describe them, then replays those through {@link MetadataDelta} like any backend.
 * Reading from the server rather than a watch cache gives read-your-writes: right after the
 * controller's transaction commits, the image it reads holds that transaction.
 */
final class ZkSnapshotReader {
    private static final Logger LOG = Logger.getLogger(ZkSnapshotReader.class);

    private final CuratorFramework zk;

    ZkSnapshotReader(CuratorFramework zk) {
        this.zk = zk;
    }

    /** The image the znodes describe right now, positioned at {@code offset}. */
    MetadataImage read(String clusterId, long offset) throws Exception {
        int controllerId = -1;
        byte[] controller = dataOrNull(ZnodePaths.CONTROLLER, null);
        if (controller != null) {
            controllerId = SmallZnodesJson.decodeControllerId(controller);
        }
        MetadataImage empty = MetadataImage.empty(clusterId).withControllerId(controllerId);
        return MetadataDelta.replay(empty, records(), offset);
    }

    /** The records that rebuild the current znode state from an empty image. */
    List<MetadataRecord> records() throws Exception {
        List<MetadataRecord> records = new ArrayList<>();
        readBrokers(records);
        readTopics(records);
        readBrokerConfigs(records);
        byte[] block = dataOrNull(ZnodePaths.LATEST_PRODUCER_ID_BLOCK, null);
        if (block != null && block.length > 0) {
            records.add(MetadataRecords.producerIds(-1, SmallZnodesJson.decodeNextProducerId(block)));
        }
        return records;
    }

    private void readBrokers(List<MetadataRecord> records) throws Exception {
        for (String child : children(ZnodePaths.BROKER_IDS)) {
            int id;
            try {
                id = Integer.parseInt(child);
            } catch (NumberFormatException e) {
                continue;
            }
            String path = ZnodePaths.brokerId(id);
            Stat stat = new Stat();
            byte[] data = dataOrNull(path, stat);
            if (data == null) {
                continue; // its session ended between the listing and the read
            }
            var registration = BrokerRegistrationJson.decode(id, path, data);
            // Liveness in zk mode is the ephemeral znode itself: a registered broker is unfenced. Its epoch
            // is the znode's creation zxid, as Kafka's zk brokers have it: the same on every re-read.
            records.add(MetadataRecords.registerBroker(new BrokerImage(id, registration.endpoints(), registration.rack(),
                    false, stat.getCzxid(), org.apache.kafka.common.Uuid.ZERO_UUID)));
        }
    }

    private void readTopics(List<MetadataRecord> records) throws Exception {
        for (String topic : children(ZnodePaths.BROKER_TOPICS)) {
            String path = ZnodePaths.topic(topic);
            byte[] data = dataOrNull(path, null);
            if (data == null) {
                continue;
            }
            var assignment = TopicAssignmentJson.decode(path, data);
            if (assignment.topicId() == null) {
                // Kafka's controller gives such topics an id; ours does not yet, so they stay invisible.
                LOG.warnf("Ignoring topic %s: its znode has no topic_id (created by an old tool)", topic);
                continue;
            }
            List<MetadataRecord> topicRecords = new ArrayList<>();
            topicRecords.add(MetadataRecords.topic(topic, assignment.topicId()));
            boolean complete = true;
            for (var entry : assignment.replicas().entrySet()) {
                int p = entry.getKey();
                Stat stat = new Stat();
                byte[] state = dataOrNull(ZnodePaths.partitionState(topic, p), stat);
                complete &= state != null;
                List<Integer> adding = assignment.adding().getOrDefault(p, List.of());
                List<Integer> removing = assignment.removing().getOrDefault(p, List.of());
                // No state yet: a tool wrote the assignment, no controller elected a leader.
                PartitionStateJson.State leadership = state == null ? new PartitionStateJson.State(-1, 0, List.of(), 0)
                        : PartitionStateJson.decode(ZnodePaths.partitionState(topic, p), state);
                PartitionImage partition = new PartitionImage(p, leadership.leader(), leadership.leaderEpoch(),
                        entry.getValue(), leadership.isr(), state == null ? 0 : stat.getVersion(), adding, removing);
                topicRecords.add(MetadataRecords.partition(assignment.topicId(), partition));
            }
            byte[] config = dataOrNull(ZnodePaths.topicConfig(topic), null);
            complete &= config != null;
            if (config != null) {
                new TreeMap<>(EntityConfigJson.decode(ZnodePaths.topicConfig(topic), config)).forEach((k, v) ->
                        topicRecords.add(MetadataRecords.config(ConfigResourceType.TOPIC, topic, k, v)));
            }
            // The reads are not one snapshot: a deletion committed between reading the topic znode
            // and its children shows up as missing children. If the topic znode is gone now, the
            // topic is gone; showing it half-read (no leaders, no configs) would mislead the broker.
            if (!complete && zk.checkExists().forPath(path) == null) {
                continue;
            }
            records.addAll(topicRecords);
        }
    }

    private void readBrokerConfigs(List<MetadataRecord> records) throws Exception {
        for (String entity : children(ZnodePaths.CONFIG_BROKERS)) {
            String resource;
            if (entity.equals(ZnodePaths.DEFAULT_BROKER_ENTITY)) {
                resource = MetadataRecords.CLUSTER_DEFAULT_BROKER;
            } else {
                try {
                    resource = Integer.toString(Integer.parseInt(entity));
                } catch (NumberFormatException e) {
                    continue;
                }
            }
            byte[] data = dataOrNull(ZnodePaths.brokerConfig(entity), null);
            if (data != null) {
                Map<String, String> configs = new TreeMap<>(EntityConfigJson.decode(ZnodePaths.brokerConfig(entity), data));
                configs.forEach((k, v) -> records.add(MetadataRecords.config(ConfigResourceType.BROKER, resource, k, v)));
            }
        }
    }

    private List<String> children(String path) throws Exception {
        try {
            List<String> children = new ArrayList<>(zk.getChildren().forPath(path));
            children.sort(null);
            return children;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        }
    }

    private byte[] dataOrNull(String path, Stat stat) throws Exception {
        try {
            return stat == null ? zk.getData().forPath(path) : zk.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }
}
