package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real kafka-clients against an in-JVM broker: topics, produce, fetch, and a restart in between. */
class ProduceFetchEndToEndTest {
    @TempDir
    Path data;

    @Test
    void recordsProducedBeforeARestartAreReadBackAfterIt() throws Exception {
        try (TestBroker broker = new TestBroker(data).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
                ExecutionException again = assertThrows(ExecutionException.class,
                        () -> admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get());
                assertInstanceOf(TopicExistsException.class, again.getCause());
                TopicDescription d = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
                assertEquals(3, d.partitions().size());
                TopicDescription byId = admin.describeTopics(org.apache.kafka.common.TopicCollection.ofTopicIds(
                        List.of(d.topicId()))).allTopicIds().get().get(d.topicId());
                assertEquals("orders", byId.name());
            }
            List<RecordMetadata> acked = produce(broker, "orders", 300);
            assertEquals(300, acked.size());
            List<ConsumerRecord<String, String>> first = consume(broker, "orders", 3, 300);
            assertEquals(300, first.size());
            assertEquals(300.0, broker.meters().get("sluice.topic.messages.in").tag("topic", "orders").counter().count(),
                    "messages-in counts each record once");
            assertTrue(broker.meters().get("sluice.topic.bytes.out").tag("topic", "orders").counter().count() > 0);
            assertTrue(broker.meters().get("sluice.requests").tag("api", "Produce").timer().count() > 0);
            // The single node leads its quorum of one; nothing waits on replication. (After a GC: a gauge whose
            // object is only weakly held would read NaN.)
            System.gc();
            assertEquals(1.0, broker.meters().get("sluice.raft.current.leader").gauge().value());
            assertTrue(broker.meters().get("sluice.raft.current.epoch").gauge().value() >= 1);
            assertTrue(broker.meters().get("sluice.raft.high.watermark").gauge().value() > 0);
            assertEquals(0.0, broker.meters().get("sluice.raft.high.watermark.lag").gauge().value());
            assertEquals(0.0, broker.meters().get("sluice.produce.delayed").gauge().value());

            broker.stop();
            broker.start();

            List<ConsumerRecord<String, String>> afterRestart = consume(broker, "orders", 3, 300);
            assertEquals(values(first), values(afterRestart));
            try (Admin admin = Admin.create(broker.clientProps())) {
                assertTrue(admin.listTopics().names().get().contains("orders"));
            }
            List<RecordMetadata> more = produce(broker, "orders", 30);
            long maxOffset = more.stream().mapToLong(RecordMetadata::offset).max().orElseThrow();
            assertTrue(maxOffset >= 100, "offsets continue after the restart, got " + maxOffset);
        }
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(r -> r.partition() + "/" + r.offset() + "/" + r.key() + "=" + r.value()).sorted().toList();
    }

    static List<RecordMetadata> produce(TestBroker broker, String topic, int count) throws Exception {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        List<RecordMetadata> acked = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)));
            }
            for (var f : futures) {
                acked.add(f.get());
            }
        }
        return acked;
    }

    static List<ConsumerRecord<String, String>> consume(TestBroker broker, String topic, int partitions, int expected) {
        Properties p = broker.clientProps();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
