package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.RawKafkaClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In zk mode every broker takes producer id blocks from {@code /latest_producer_id_block} itself, as
 * Kafka's do: a broker that is not the controller serves idempotent producers, and blocks never overlap.
 */
class ZkProducerIdTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theBrokerThatIsNotTheControllerServesIdempotentProducers(@TempDir Path dir1, @TempDir Path dir2)
            throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker first = new ZkTestBroker(1, zk.getConnectString(), dir1).start();
             ZkTestBroker second = new ZkTestBroker(2, zk.getConnectString(), dir2).start();
             Admin admin = Admin.create(second.clientProps());
             CuratorFramework raw = ZkTesting.rawClient(zk.getConnectString())) {
            assertTrue(first.broker().parts().backend().isActiveController());
            assertFalse(second.broker().parts().backend().isActiveController());

            // InitProducerId straight to each broker (a client would pick either one).
            InitProducerIdResponseData fromSecond = initProducerId(second);
            assertEquals(Errors.NONE.code(), fromSecond.errorCode());
            assertEquals(0, fromSecond.producerEpoch());
            InitProducerIdResponseData fromFirst = initProducerId(first);
            assertEquals(Errors.NONE.code(), fromFirst.errorCode());
            // Each broker reserved a block of its own (at registration, ahead of need): never the other's ids.
            assertNotEquals(fromFirst.producerId() / 1000, fromSecond.producerId() / 1000,
                    fromFirst.producerId() + " and " + fromSecond.producerId());
            JsonObject block = new JsonObject(new String(raw.getData().forPath("/latest_producer_id_block")));
            long start = Long.parseLong(block.getString("block_start"));
            assertEquals(Long.toString(start + 999), block.getString("block_end"));
            long ownersId = block.getInteger("broker") == 1 ? fromFirst.producerId() : fromSecond.producerId();
            assertEquals(start, ownersId / 1000 * 1000, "the latest block is the one its broker serves: " + block.encode());
            assertEquals(fromSecond.producerId() + 1, initProducerId(second).producerId(), "broker 2 uses up its block");

            admin.createTopics(List.of(new NewTopic("idempotent", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            await("broker 2 knows the topic", WAIT,
                    () -> second.broker().parts().backend().image().topic("idempotent").isPresent());
            Properties producerProps = second.clientProps();
            producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 6; i++) {
                    producer.send(new ProducerRecord<>("idempotent", i % 2, "k", "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            Properties consumerProps = second.clientProps();
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new StringDeserializer())) {
                List<TopicPartition> partitions = List.of(new TopicPartition("idempotent", 0),
                        new TopicPartition("idempotent", 1));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (values.size() < 6 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertEquals(Set.of("v0", "v1", "v2", "v3", "v4", "v5"), Set.copyOf(values));
        }
    }

    @Test
    void twoBrokersTakingBlocksAtOnceNeverOverlap() throws Exception {
        int blocksEach = 40;
        int blockSize = 1000;
        try (TestingServer server = new TestingServer(true)) {
            // Kafka creates the znode empty; the first block then starts at 0.
            try (CuratorFramework raw = ZkTesting.rawClient(server.getConnectString())) {
                raw.create().creatingParentsIfNeeded().forPath("/latest_producer_id_block", new byte[0]);
            }
            try (ZkBackend one = ZkTesting.startedBroker(server.getConnectString(), 1);
                 ZkBackend two = ZkTesting.startedBroker(server.getConnectString(), 2)) {
                List<CompletableFuture<Long>> fromOne = new ArrayList<>();
                List<CompletableFuture<Long>> fromTwo = new ArrayList<>();
                for (int i = 0; i < blocksEach; i++) {
                    fromOne.add(one.allocateProducerIds(1, blockSize).orElseThrow());
                    fromTwo.add(two.allocateProducerIds(2, blockSize).orElseThrow());
                }
                TreeMap<Long, Integer> startToBroker = new TreeMap<>();
                for (var f : fromOne) {
                    assertEquals(null, startToBroker.put(f.get(30, TimeUnit.SECONDS), 1), "a start handed out twice");
                }
                for (var f : fromTwo) {
                    assertEquals(null, startToBroker.put(f.get(30, TimeUnit.SECONDS), 2), "a start handed out twice");
                }
                // 80 distinct starts of 1000-id blocks, back to back from 0: no gaps, no overlaps.
                List<Long> starts = List.copyOf(startToBroker.keySet());
                for (int i = 0; i < starts.size(); i++) {
                    assertEquals((long) i * blockSize, starts.get(i));
                }
                assertNotEquals(null, startToBroker.get(0L));
                await("both images see the last block", WAIT, () -> one.image().nextProducerId() == 2L * blocksEach * blockSize
                        && two.image().nextProducerId() == 2L * blocksEach * blockSize);
            }
        }
    }

    private static InitProducerIdResponseData initProducerId(ZkTestBroker broker) throws Exception {
        try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", broker.broker().boundPort("PLAINTEXT"))) {
            InitProducerIdResponse response = client.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(Integer.MAX_VALUE)).build((short) 4));
            return response.data();
        }
    }
}
