package io.sluice.coordinator.group;

import static io.sluice.coordinator.group.ConsumerGroupEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sluice.consumergroup.lag follows a real group's commits and the partitions' high watermarks. */
class ConsumerLagMetricsTest {
    private static final String TOPIC = "lagging";
    private static final String GROUP = "slow";

    @Test
    void lagAppearsForAGroupThatFallsBehindAndGoesWithTheGroup(@TempDir Path dir) throws Exception {
        try (TestBroker broker = new TestBroker(dir).start();
             Admin admin = Admin.create(broker.clientProps());
             KafkaProducer<String, String> producer = new KafkaProducer<>(broker.clientProps(), new StringSerializer(),
                     new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            produce(producer, 0, 10);
            produce(producer, 1, 4);
            MeterRegistry meters = broker.meters();
            assertNull(lagGauge(meters, 0), "no gauge before the group commits");

            Properties props = broker.clientProps();
            props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of(TOPIC));
                int[] seen = {0};
                waitUntil("the consumer reads all 14 records", () -> {
                    seen[0] += consumer.poll(Duration.ofMillis(100)).count();
                    return seen[0] >= 14;
                }, null);
                // The group falls behind on partition 0 and is caught up on partition 1.
                consumer.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(3),
                        new TopicPartition(TOPIC, 1), new OffsetAndMetadata(4)));
            }
            waitUntil("lag 7 on partition 0", () -> lag(meters, 0) == 7.0, null);
            assertEquals(0.0, lag(meters, 1));

            // New records on partition 1 raise its lag without a commit: the high watermark moved.
            produce(producer, 1, 5);
            waitUntil("lag 5 on partition 1", () -> lag(meters, 1) == 5.0, null);

            admin.deleteConsumerGroups(List.of(GROUP)).all().get(30, TimeUnit.SECONDS);
            waitUntil("the gauges go with the group", () -> lagGauge(meters, 0) == null && lagGauge(meters, 1) == null, null);
        }
    }

    /** A coordinator partition that moved away and back: the late unload of the old one keeps the new one's gauge. */
    @Test
    void aLateUnloadLeavesTheReloadedPartitionsGauge() {
        MeterRegistry meters = new SimpleMeterRegistry();
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        ConsumerLagMetrics lag = new ConsumerLagMetrics(meters, p -> OptionalLong.of(100));
        Object before = new Object();
        Object after = new Object();
        lag.committed(before, GROUP, tp, 40);
        assertEquals(60.0, lag(meters, 0));
        lag.committed(after, GROUP, tp, 70);
        lag.forgotten(before, GROUP, tp);
        assertEquals(30.0, lag(meters, 0), "the reloaded partition's gauge stays");
        lag.committed(after, GROUP, tp, 120);
        assertEquals(0.0, lag(meters, 0), "a commit past the high watermark is no lag, not a negative one");
        lag.forgotten(after, GROUP, tp);
        assertNull(lagGauge(meters, 0));
    }

    private static void produce(KafkaProducer<String, String> producer, int partition, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(TOPIC, partition, "k", "v" + i)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Gauge lagGauge(MeterRegistry meters, int partition) {
        return meters.find(ConsumerLagMetrics.NAME).tags("group", GROUP, "topic", TOPIC,
                "partition", Integer.toString(partition)).gauge();
    }

    private static double lag(MeterRegistry meters, int partition) {
        Gauge gauge = lagGauge(meters, partition);
        return gauge == null ? Double.NaN : gauge.value();
    }
}
