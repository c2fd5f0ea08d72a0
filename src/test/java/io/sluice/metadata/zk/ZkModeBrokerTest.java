package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Brokers started in zk mode serve real kafka-clients; metadata reaches every broker through ZooKeeper. */
class ZkModeBrokerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aZkModeBrokerServesCreateProduceConsumeDescribeDelete(@TempDir Path dir) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker broker = new ZkTestBroker(1, zk.getConnectString(), dir).start();
             Admin admin = Admin.create(broker.clientProps())) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            System.gc(); // a gauge whose object is only weakly held would read NaN from here on
            assertEquals(1.0, broker.meters().get("sluice.zookeeper.connected").gauge().value(),
                    "the ZooKeeper session shows as connected");

            try (KafkaProducer<String, String> producer = producer(broker.clientProps())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("orders", i % 2, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            Properties consumerProps = broker.clientProps();
            consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "g");
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer(consumerProps)) {
                consumer.subscribe(List.of("orders"));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (values.size() < 10 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        values.add(r.value());
                    }
                }
                consumer.commitSync();
            }
            assertEquals(10, values.size(), values.toString());

            TopicDescription description = admin.describeTopics(List.of("orders")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("orders");
            assertEquals(2, description.partitions().size());
            assertEquals(1, description.partitions().get(0).leader().id());
            assertEquals(1, admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id());

            admin.deleteTopics(List.of("orders")).all().get(30, TimeUnit.SECONDS);
            await("orders disappears from the listing", WAIT, () -> {
                try {
                    return !admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("orders");
                } catch (Exception e) {
                    return false;
                }
            });
            try (var raw = ZkTesting.rawClient(zk.getConnectString())) {
                assertEquals(null, raw.checkExists().forPath("/brokers/topics/orders"));
                assertTrue(raw.getChildren().forPath("/brokers/topics").contains("__consumer_offsets"));
            }
        }
    }

    @Test
    void twoBrokersOnOneZooKeeperShareTheTopics(@TempDir Path dir1, @TempDir Path dir2) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker first = new ZkTestBroker(1, zk.getConnectString(), dir1).start();
             ZkTestBroker second = new ZkTestBroker(2, zk.getConnectString(), dir2).start();
             Admin viaFirst = Admin.create(first.clientProps());
             Admin viaSecond = Admin.create(second.clientProps())) {
            await("both brokers in both images", WAIT,
                    () -> first.broker().parts().backend().image().brokers().keySet().equals(Set.of(1, 2))
                            && second.broker().parts().backend().image().brokers().keySet().equals(Set.of(1, 2)));

            // When each broker's image first holds the topic: broker 1 publishes it once its ZooKeeper
            // transaction commits, broker 2 once the watch fired and it re-read the znodes.
            java.util.concurrent.atomic.AtomicLong seenOnFirst = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong seenOnSecond = new java.util.concurrent.atomic.AtomicLong();
            first.broker().parts().backend().addListener((prev, next) -> {
                if (next.topic("shared").isPresent()) {
                    seenOnFirst.compareAndSet(0, System.nanoTime());
                }
            });
            second.broker().parts().backend().addListener((prev, next) -> {
                if (next.topic("shared").isPresent()) {
                    seenOnSecond.compareAndSet(0, System.nanoTime());
                }
            });
            long t0 = System.nanoTime();
            viaFirst.createTopics(List.of(new NewTopic("shared", 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
            long acked = System.nanoTime();
            await("second broker's image has the topic", WAIT, () -> seenOnSecond.get() != 0);
            System.out.printf("zk metadata propagation: createTopics round trip %.1f ms; topic in broker 2's image minus in broker 1's (controller) image "
                    + "%.1f ms%n", (acked - t0) / 1e6, (seenOnSecond.get() - seenOnFirst.get()) / 1e6);

            assertTrue(viaSecond.listTopics().names().get(30, TimeUnit.SECONDS).contains("shared"));
            TopicDescription seenBySecond = viaSecond.describeTopics(List.of("shared")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("shared");
            assertEquals(4, seenBySecond.partitions().size());
            Set<Integer> leaders = new java.util.TreeSet<>();
            seenBySecond.partitions().forEach(p -> leaders.add(p.leader().id()));
            assertFalse(leaders.isEmpty());

            // Produce through the second broker's bootstrap to every partition (each led by one of
            // the two brokers), and read everything back without a group.
            // Idempotent (the default): either broker hands out producer ids (ZkProducerIdTest).
            try (KafkaProducer<String, String> producer = producer(second.clientProps())) {
                for (int p = 0; p < 4; p++) {
                    producer.send(new ProducerRecord<>("shared", p, "k", "v" + p)).get(30, TimeUnit.SECONDS);
                }
            }
            Properties consumerProps = first.clientProps();
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer(consumerProps)) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (int p = 0; p < 4; p++) {
                    partitions.add(new TopicPartition("shared", p));
                }
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (values.size() < 4 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertEquals(Set.of("v0", "v1", "v2", "v3"), Set.copyOf(values));

            // An admin client bootstrapped on the non-controller broker is sent to the controller the
            // metadata names (broker 1), as Kafka's admin client does.
            viaSecond.createTopics(List.of(new NewTopic("via-second", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            await("broker 1 has the topic created through broker 2's bootstrap", WAIT,
                    () -> first.broker().parts().backend().image().topic("via-second").isPresent());
        }
    }

    @Test
    void whenTheControllerBrokerStopsTheOtherTakesOver(@TempDir Path dir1, @TempDir Path dir2) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker second = new ZkTestBroker(2, zk.getConnectString(), dir2)) {
            ZkTestBroker first = new ZkTestBroker(1, zk.getConnectString(), dir1).start();
            second.start();
            assertTrue(first.broker().parts().backend().isActiveController());
            first.close();
            await("broker 2 is the controller", WAIT, () -> second.broker().parts().backend().isActiveController());
            try (Admin admin = Admin.create(second.clientProps())) {
                admin.createTopics(List.of(new NewTopic("after-failover", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                TopicDescription d = admin.describeTopics(List.of("after-failover")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("after-failover");
                assertEquals(2, d.partitions().get(0).leader().id());
                assertEquals(2, admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id());
            }
        }
    }

    @Test
    void withZooKeeperDownDataKeepsFlowingAndAdminWaitsForItsReturn(@TempDir Path dir) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker broker = new ZkTestBroker(1, zk.getConnectString(), dir).start();
             Admin admin = Admin.create(broker.clientProps());
             KafkaProducer<String, String> producer = producer(broker.clientProps())) {
            admin.createTopics(List.of(new NewTopic("steady", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("steady", 0, "k", "before")).get(30, TimeUnit.SECONDS);

            zk.stop();
            await("the broker notices ZooKeeper is gone", WAIT,
                    () -> !broker.broker().parts().backend().isActiveController());
            // Produce and fetch go on from the last image.
            producer.send(new ProducerRecord<>("steady", 0, "k", "during")).get(30, TimeUnit.SECONDS);
            Properties consumerProps = broker.clientProps();
            consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = consumer(consumerProps)) {
                consumer.assign(List.of(new TopicPartition("steady", 0)));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (values.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertEquals(List.of("before", "during"), values);
            // A metadata change cannot be made: the admin client keeps retrying NOT_CONTROLLER...
            var pending = admin.createTopics(List.of(new NewTopic("later", 1, (short) 1))).all();
            org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.TimeoutException.class,
                    () -> pending.get(1, TimeUnit.SECONDS), "still retrying, not failed");
            // ...and succeeds once ZooKeeper is back.
            zk.restart();
            pending.get(60, TimeUnit.SECONDS);
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(Set.of("steady", "later")));
        }
    }

    private static KafkaProducer<String, String> producer(Properties base) {
        Properties p = new Properties();
        p.putAll(base);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Properties base) {
        return new KafkaConsumer<>(base, new StringDeserializer(), new StringDeserializer());
    }

    @Test
    void aTopicMarkedInAdminDeleteTopicsIsDeletedAndItsMarkerRemoved(@TempDir Path dir) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker broker = new ZkTestBroker(1, zk.getConnectString(), dir).start();
             Admin admin = Admin.create(broker.clientProps());
             CuratorFramework tool = ZkTesting.rawClient(zk.getConnectString())) {
            admin.createTopics(List.of(new NewTopic("doomed", 1, (short) 1), new NewTopic("kept", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            // What Kafka's old tools and zookeeper-shell users do: write the marker, nothing else.
            tool.create().forPath("/admin/delete_topics/doomed");
            await("the marked topic deleted", Duration.ofSeconds(20),
                    () -> broker.broker().parts().backend().image().topic("doomed").isEmpty());
            await("the marker removed", Duration.ofSeconds(20), () -> {
                try {
                    return tool.checkExists().forPath("/admin/delete_topics/doomed") == null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(broker.broker().parts().backend().image().topic("kept").isPresent(), "only the marked topic goes");
            assertEquals(Set.of("kept"), admin.listTopics().names().get(30, TimeUnit.SECONDS));
        }
    }
}
