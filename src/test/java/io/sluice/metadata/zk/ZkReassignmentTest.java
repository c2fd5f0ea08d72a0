package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.client.BrokerConnection;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition reassignment in zk mode, with the controller code kraft uses: a broker that is not the
 * controller forwards the request to the controller broker, the ongoing reassignment is kept in the topic znode's
 * adding_replicas/removing_replicas maps as Kafka writes them, and the move completes once the throttle
 * that held it back is lifted.
 */
class ZkReassignmentTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final TopicPartition TP = new TopicPartition("zk-moved", 0);
    private static final int RECORDS = 200;

    @Test
    void aForwardedReassignmentIsKeptInTheTopicZnodeAndCompletes(@TempDir Path d1, @TempDir Path d2) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker controller = new ZkTestBroker(1, zk.getConnectString(), d1).start();
             ZkTestBroker other = new ZkTestBroker(2, zk.getConnectString(), d2).start();
             CuratorFramework raw = ZkTesting.rawClient(zk.getConnectString());
             Admin admin = Admin.create(other.clientProps())) {
            admin.createTopics(List.of(new NewTopic(TP.topic(), Map.of(0, List.of(2))))).all().get(30, TimeUnit.SECONDS);
            await("broker 2 leads the partition", WAIT, () -> other.broker().parts().replicas().partition(TP)
                    .map(p -> p.leaderId() == 2).orElse(false));
            write(other);
            // 1 KB/s on both sides: the copy of ~200 KB stays in progress while the test looks at it.
            throttle(admin, "1000", "0:2", "0:1");

            // Sent to broker 2 itself (the Admin client would go to the controller broker): broker 2 forwards it.
            try (BrokerConnection connection = new BrokerConnection("test", 5_000)) {
                AlterPartitionReassignmentsResponseData response = (AlterPartitionReassignmentsResponseData) connection.send(
                        new InetSocketAddress("127.0.0.1", other.broker().boundPort("PLAINTEXT")),
                        ApiKeys.ALTER_PARTITION_REASSIGNMENTS, (short) 0, new AlterPartitionReassignmentsRequestData()
                                .setTopics(List.of(new ReassignableTopic().setName(TP.topic()).setPartitions(List.of(
                                        new ReassignablePartition().setPartitionIndex(0).setReplicas(List.of(1)))))),
                        30_000);
                assertEquals(Errors.NONE.code(), response.responses().get(0).partitions().get(0).errorCode());
            }
            PartitionReassignment ongoing = admin.listPartitionReassignments(Set.of(TP)).reassignments().get().get(TP);
            assertEquals(List.of(1, 2), ongoing.replicas());
            assertEquals(List.of(1), ongoing.addingReplicas());
            assertEquals(List.of(2), ongoing.removingReplicas());
            JsonObject znode = topicZnode(raw);
            assertEquals(List.of(1, 2), znode.getJsonObject("partitions").getJsonArray("0").getList());
            assertEquals(List.of(1), znode.getJsonObject("adding_replicas").getJsonArray("0").getList());
            assertEquals(List.of(2), znode.getJsonObject("removing_replicas").getJsonArray("0").getList());

            throttle(admin, null, null, null);
            await("the reassignment completes", WAIT, () -> {
                JsonObject done = topicZnode(raw);
                return done.getJsonObject("partitions").getJsonArray("0").getList().equals(List.of(1))
                        && done.getJsonObject("adding_replicas").isEmpty() && done.getJsonObject("removing_replicas").isEmpty();
            });
            await("broker 2 lets the partition go", WAIT, () -> other.broker().parts().replicas().partition(TP).isEmpty());
            assertEquals(RECORDS, admin.listOffsets(Map.of(TP, OffsetSpec.latest())).all().get().get(TP).offset());
            assertEquals(1, admin.describeTopics(Set.of(TP.topic())).allTopicNames().get().get(TP.topic())
                    .partitions().get(0).leader().id());
        }
    }

    private static JsonObject topicZnode(CuratorFramework raw) {
        try {
            return new JsonObject(new String(raw.getData().forPath("/brokers/topics/" + TP.topic()), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Sets (or with nulls removes) the throttle rate on both brokers and the throttled replica lists. */
    private static void throttle(Admin admin, String rate, String leaderReplicas, String followerReplicas) throws Exception {
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> ops = new java.util.HashMap<>();
        for (String broker : List.of("1", "2")) {
            ops.put(new ConfigResource(ConfigResource.Type.BROKER, broker), List.of(
                    op("leader.replication.throttled.rate", rate), op("follower.replication.throttled.rate", rate)));
        }
        ops.put(new ConfigResource(ConfigResource.Type.TOPIC, TP.topic()), List.of(
                op("leader.replication.throttled.replicas", leaderReplicas),
                op("follower.replication.throttled.replicas", followerReplicas)));
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
    }

    private static AlterConfigOp op(String key, String value) {
        return value == null ? new AlterConfigOp(new ConfigEntry(key, ""), AlterConfigOp.OpType.DELETE)
                : new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    private static void write(ZkTestBroker via) throws Exception {
        Properties p = via.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TP.topic(), 0, null, new byte[1000]));
            }
            producer.flush();
        }
    }
}
