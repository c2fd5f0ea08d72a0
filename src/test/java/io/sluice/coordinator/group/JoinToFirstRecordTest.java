package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures the time from a consumer subscribing to a fresh group until its first record, with the
 * classic protocol and with KIP-848, against a broker with default group settings (apart from the
 * test broker's group.initial.rebalance.delay.ms=0). Prints the times; asserts only a generous bound.
 */
class JoinToFirstRecordTest {
    private static final int ROUNDS = 3;

    @TempDir
    Path data;

    @Test
    void joinToFirstRecordClassicVersusConsumerProtocol() throws Exception {
        try (TestBroker broker = new TestBroker(data, Map.of("offsets.topic.num.partitions", "3")).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                admin.createTopics(List.of(new NewTopic("latency", 4, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(broker.clientProps(), new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < 4; i++) {
                    p.send(new ProducerRecord<>("latency", i, "k", "v" + i)).get();
                }
            }
            // A first, unmeasured consumer of each kind warms up the offsets topic and class loading.
            timeToFirstRecord(broker, "classic", "warm-classic");
            timeToFirstRecord(broker, "consumer", "warm-consumer");
            List<Long> classic = new ArrayList<>();
            List<Long> consumer = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                classic.add(timeToFirstRecord(broker, "classic", "lat-classic-" + i));
                consumer.add(timeToFirstRecord(broker, "consumer", "lat-consumer-" + i));
            }
            System.out.println("JOIN-TO-FIRST-RECORD ms: classic=" + classic + " consumer(KIP-848)=" + consumer);
            consumer.forEach(ms -> assertTrue(ms < 10_000, "KIP-848 join took " + ms + " ms"));
        }
    }

    private static long timeToFirstRecord(TestBroker broker, String protocol, String group) {
        Properties props = broker.clientProps();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long start = System.nanoTime();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("latency"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                if (!c.poll(Duration.ofMillis(10)).isEmpty()) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
        }
        throw new AssertionError("no record within 30 s for " + group);
    }
}
