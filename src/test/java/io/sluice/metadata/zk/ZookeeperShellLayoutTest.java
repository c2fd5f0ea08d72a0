package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layout check with Kafka's own tool: Kafka 3.9.1's {@code zookeeper-shell} reads the znodes a
 * two-broker Sluice zk cluster wrote, at Kafka's paths, with exactly the fields Kafka's brokers write.
 */
class ZookeeperShellLayoutTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void kafkasZookeeperShellReadsKafkasLayout(@TempDir Path dir1, @TempDir Path dir2) throws Exception {
        assumeTrue(KafkaZookeeperShell.installed(), KafkaZookeeperShell.HOME
                + " is missing: ../shared/anchor/install-kafka.sh 3.9.1 installs it");
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker first = new ZkTestBroker(1, zk.getConnectString(), dir1).start();
             ZkTestBroker second = new ZkTestBroker(2, zk.getConnectString(), dir2).start();
             Admin admin = Admin.create(first.clientProps())) {
            admin.createTopics(List.of(new NewTopic("layout", 1, (short) 1)
                    .configs(Map.of("retention.ms", "3600000")))).all().get(30, TimeUnit.SECONDS);
            await("both brokers see the topic", WAIT, () -> second.broker().parts().backend().image().topic("layout").isPresent()
                    && first.broker().parts().backend().image().topic("layout").isPresent());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(idempotent(second), new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("layout", 0, "k", "v")).get(30, TimeUnit.SECONDS);
            }
            int leader = first.broker().parts().backend().image().topic("layout").orElseThrow().partitions().get(0).leader();

            Map<String, String> read = readAll(zk.getConnectString() + ZkTesting.CHROOT, List.of(
                    List.of("get", "/cluster/id"), List.of("get", "/controller"), List.of("get", "/controller_epoch"),
                    List.of("ls", "/brokers/ids"), List.of("get", "/brokers/ids/1"), List.of("get", "/brokers/ids/2"),
                    List.of("get", "/brokers/topics/layout"), List.of("get", "/brokers/topics/layout/partitions/0/state"),
                    List.of("get", "/config/topics/layout"), List.of("get", "/latest_producer_id_block")));

            JsonObject cluster = new JsonObject(read.get("get /cluster/id"));
            assertEquals(Set.of("version", "id"), cluster.fieldNames());
            assertEquals("1", cluster.getValue("version"), "Kafka writes this version as a string");
            assertEquals(first.broker().parts().backend().image().clusterId(), cluster.getString("id"));

            JsonObject controller = new JsonObject(read.get("get /controller"));
            assertEquals(Set.of("version", "brokerid", "timestamp", "kraftControllerEpoch"), controller.fieldNames());
            assertEquals(2, controller.getValue("version"));
            assertEquals(1, controller.getValue("brokerid"));
            assertInstanceOf(String.class, controller.getValue("timestamp"));
            assertEquals(-1, controller.getValue("kraftControllerEpoch"));
            assertEquals("1", read.get("get /controller_epoch"), "a bare integer, not JSON");

            assertEquals("[1, 2]", read.get("ls /brokers/ids"));
            for (int id : List.of(1, 2)) {
                ZkTestBroker broker = id == 1 ? first : second;
                JsonObject registration = new JsonObject(read.get("get /brokers/ids/" + id));
                assertEquals(Set.of("features", "listener_security_protocol_map", "endpoints", "rack", "jmx_port", "port",
                        "host", "version", "timestamp"), registration.fieldNames());
                assertEquals(5, registration.getValue("version"));
                assertEquals(new JsonArray().add("PLAINTEXT://127.0.0.1:" + broker.broker().boundPort("PLAINTEXT")),
                        registration.getJsonArray("endpoints"));
                assertEquals(new JsonObject().put("PLAINTEXT", "PLAINTEXT"),
                        registration.getJsonObject("listener_security_protocol_map"));
                assertEquals("127.0.0.1", registration.getValue("host"));
                assertEquals(broker.broker().boundPort("PLAINTEXT"), registration.getValue("port"));
                assertInstanceOf(String.class, registration.getValue("timestamp"));
            }

            JsonObject topic = new JsonObject(read.get("get /brokers/topics/layout"));
            assertEquals(Set.of("version", "partitions", "topic_id", "adding_replicas", "removing_replicas"), topic.fieldNames());
            assertEquals(3, topic.getValue("version"));
            assertEquals(first.broker().parts().backend().image().topic("layout").orElseThrow().id().toString(),
                    topic.getString("topic_id"));
            assertEquals(new JsonObject().put("0", new JsonArray().add(leader)), topic.getJsonObject("partitions"));
            assertEquals(new JsonObject(), topic.getJsonObject("adding_replicas"));

            JsonObject state = new JsonObject(read.get("get /brokers/topics/layout/partitions/0/state"));
            assertEquals(Set.of("controller_epoch", "leader", "version", "leader_epoch", "isr"), state.fieldNames());
            assertEquals(1, state.getValue("version"));
            assertEquals(leader, state.getValue("leader"));
            assertEquals(0, state.getValue("leader_epoch"));
            assertEquals(1, state.getValue("controller_epoch"));
            assertEquals(new JsonArray().add(leader), state.getJsonArray("isr"));

            JsonObject config = new JsonObject(read.get("get /config/topics/layout"));
            assertEquals(Set.of("version", "config"), config.fieldNames());
            assertEquals(1, config.getValue("version"));
            assertEquals(new JsonObject().put("retention.ms", "3600000"), config.getJsonObject("config"));

            JsonObject block = new JsonObject(read.get("get /latest_producer_id_block"));
            assertEquals(Set.of("version", "broker", "block_start", "block_end"), block.fieldNames());
            assertEquals(1, block.getValue("version"));
            assertTrue(Set.of(1, 2).contains(block.getInteger("broker")), block.encode());
            // Kafka writes the bounds as strings; each broker reserved a block of 1000 at startup.
            assertTrue(block.getValue("block_start") instanceof String, "Kafka writes the bounds as strings: " + block);
            long start = Long.parseLong(block.getString("block_start"));
            assertEquals(0, start % 1000, block.encode());
            assertEquals(Long.toString(start + 999), block.getValue("block_end"));
        }
    }

    private static java.util.Properties idempotent(ZkTestBroker broker) {
        java.util.Properties p = broker.clientProps();
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /** One shell process per command (as an operator runs it), a few at a time; keyed by the command line. */
    private static Map<String, String> readAll(String server, List<List<String>> commands) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Map<String, CompletableFuture<String>> pending = new LinkedHashMap<>();
            for (List<String> command : commands) {
                pending.put(String.join(" ", command), CompletableFuture.supplyAsync(() -> {
                    try {
                        return KafkaZookeeperShell.run(server, command.toArray(String[]::new));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            Map<String, String> results = new LinkedHashMap<>();
            for (var e : pending.entrySet()) {
                results.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
