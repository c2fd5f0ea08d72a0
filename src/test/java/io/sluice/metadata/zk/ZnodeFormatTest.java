package io.sluice.metadata.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.proto.ConfigResourceType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.common.Uuid;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** What the backend writes has the shapes Kafka's ZooKeeper-mode brokers and tools read. */
class ZnodeFormatTest {
    @Test
    void znodesHaveKafkasJsonShapes() throws Exception {
        try (TestingServer server = new TestingServer(true);
             ZkBackend controller = ZkTesting.startedBroker(server.getConnectString(), 1);
             CuratorFramework zk = ZkTesting.rawClient(server.getConnectString())) {
            Uuid id = Uuid.randomUuid();
            controller.write(ZkBackendTest.createTopic("orders", id, 2, 1)).join();
            controller.write(List.of(
                    MetadataRecords.config(ConfigResourceType.BROKER, MetadataRecords.CLUSTER_DEFAULT_BROKER,
                            "log.cleaner.threads", "2"),
                    MetadataRecords.config(ConfigResourceType.BROKER, "1", "log.cleaner.threads", "3"))).join();
            controller.write(List.of(MetadataRecords.producerIds(1, 1000))).join();

            JsonObject broker = json(zk, "/brokers/ids/1");
            assertEquals(5, broker.getInteger("version"));
            assertEquals(new JsonArray().add("PLAINTEXT://127.0.0.1:9091"), broker.getJsonArray("endpoints"));
            assertEquals(new JsonObject().put("PLAINTEXT", "PLAINTEXT"), broker.getJsonObject("listener_security_protocol_map"));
            assertEquals("127.0.0.1", broker.getString("host"));
            assertEquals(9091, broker.getInteger("port"));
            assertEquals(-1, broker.getInteger("jmx_port"));
            assertTrue(broker.containsKey("rack") && broker.getValue("rack") == null);
            Long.parseLong(broker.getString("timestamp"));
            Stat brokerStat = zk.checkExists().forPath("/brokers/ids/1");
            assertNotEquals(0, brokerStat.getEphemeralOwner(), "broker registration is ephemeral");

            JsonObject topic = json(zk, "/brokers/topics/orders");
            assertEquals(3, topic.getInteger("version"));
            assertEquals(id.toString(), topic.getString("topic_id"));
            assertEquals(new JsonObject().put("0", new JsonArray().add(1)).put("1", new JsonArray().add(1)),
                    topic.getJsonObject("partitions"));
            assertEquals(new JsonObject(), topic.getJsonObject("adding_replicas"));
            assertEquals(new JsonObject(), topic.getJsonObject("removing_replicas"));

            JsonObject state = json(zk, "/brokers/topics/orders/partitions/0/state");
            assertEquals(1, state.getInteger("version"));
            assertEquals(1, state.getInteger("leader"));
            assertEquals(0, state.getInteger("leader_epoch"));
            assertEquals(1, state.getInteger("controller_epoch"));
            assertEquals(new JsonArray().add(1), state.getJsonArray("isr"));

            JsonObject topicConfig = json(zk, "/config/topics/orders");
            assertEquals(1, topicConfig.getInteger("version"));
            assertEquals(new JsonObject().put("retention.ms", "3600000"), topicConfig.getJsonObject("config"));
            assertEquals(new JsonObject().put("log.cleaner.threads", "2"),
                    json(zk, "/config/brokers/<default>").getJsonObject("config"));
            assertEquals(new JsonObject().put("log.cleaner.threads", "3"),
                    json(zk, "/config/brokers/1").getJsonObject("config"));

            List<String> changes = zk.getChildren().forPath("/config/changes").stream().sorted().toList();
            assertTrue(changes.stream().allMatch(c -> c.matches("config_change_\\d{10}")), changes.toString());
            List<String> entities = changes.stream().map(c -> {
                try {
                    JsonObject n = json(zk, "/config/changes/" + c);
                    assertEquals(2, n.getInteger("version"));
                    return n.getString("entity_path");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }).toList();
            assertEquals(List.of("topics/orders", "brokers/<default>", "brokers/1"), entities);

            JsonObject block = json(zk, "/latest_producer_id_block");
            assertEquals(1, block.getInteger("version"));
            assertEquals(1, block.getInteger("broker"));
            assertEquals("0", block.getString("block_start"));
            assertEquals("999", block.getString("block_end"));

            JsonObject cluster = json(zk, "/cluster/id");
            assertEquals("1", cluster.getString("version"));
            assertEquals(controller.image().clusterId(), cluster.getString("id"));

            JsonObject controllerZnode = json(zk, "/controller");
            assertEquals(2, controllerZnode.getInteger("version"));
            assertEquals(1, controllerZnode.getInteger("brokerid"));
            assertEquals(-1, controllerZnode.getInteger("kraftControllerEpoch"));
            Long.parseLong(controllerZnode.getString("timestamp"));
            assertEquals("1", new String(zk.getData().forPath("/controller_epoch"), StandardCharsets.UTF_8));

            for (String path : List.of("/admin/delete_topics", "/isr_change_notification", "/brokers/seqid")) {
                assertNotEquals(null, zk.checkExists().forPath(path), path);
            }
            assertNull(zk.checkExists().forPath("/admin/delete_topics/orders"));
        }
    }

    /** Znodes as a Kafka controller or tool wrote them (not through our writer) are read into the image. */
    @Test
    void znodesWrittenByKafkaAreRead() throws Exception {
        try (TestingServer server = new TestingServer(true);
             ZkBackend broker = ZkTesting.startedBroker(server.getConnectString(), 1);
             CuratorFramework zk = ZkTesting.rawClient(server.getConnectString())) {
            Uuid id = Uuid.randomUuid();
            zk.create().forPath("/brokers/topics/legacy", bytes("{\"version\":3,\"partitions\":{\"0\":[1,7],\"1\":[7,1]},"
                    + "\"topic_id\":\"" + id + "\",\"adding_replicas\":{},\"removing_replicas\":{}}"));
            zk.create().creatingParentsIfNeeded().forPath("/brokers/topics/legacy/partitions/0/state",
                    bytes("{\"controller_epoch\":4,\"leader\":7,\"version\":1,\"leader_epoch\":3,\"isr\":[7,1]}"));
            zk.setData().forPath("/brokers/topics/legacy/partitions/0/state",
                    bytes("{\"controller_epoch\":4,\"leader\":1,\"version\":1,\"leader_epoch\":4,\"isr\":[1]}"));
            // Partition 1 has no state yet: no leader was elected for it.
            zk.create().forPath("/config/topics/legacy", bytes("{\"version\":1,\"config\":{\"cleanup.policy\":\"compact\"}}"));

            ZkTesting.await("the broker reads the topic", java.time.Duration.ofSeconds(20),
                    // Each watch event re-reads the tree; one read may have started before the last
                    // state write, so wait for the final state rather than for the first sighting.
                    () -> broker.image().topic("legacy").map(t -> t.partitions().size() == 2 && !t.configs().isEmpty()
                            && t.partitions().get(0).leaderEpoch() == 4).orElse(false));
            var topic = broker.image().topic("legacy").get();
            assertEquals(id, topic.id());
            var p0 = topic.partitions().get(0);
            assertEquals(1, p0.leader());
            assertEquals(4, p0.leaderEpoch());
            assertEquals(List.of(1), p0.isr());
            assertEquals(List.of(1, 7), p0.replicas());
            assertEquals(1, p0.partitionEpoch(), "the state znode version is the partition epoch");
            assertEquals(-1, topic.partitions().get(1).leader());
            assertEquals(java.util.Map.of("cleanup.policy", "compact"), topic.configs());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject json(CuratorFramework zk, String path) throws Exception {
        return new JsonObject(new String(zk.getData().forPath(path), StandardCharsets.UTF_8));
    }
}
