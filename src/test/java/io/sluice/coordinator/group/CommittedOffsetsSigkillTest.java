package io.sluice.coordinator.group;

import static io.sluice.coordinator.group.ConsumerGroupEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.testing.BrokerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Offsets a real consumer committed survive a SIGKILL of the broker process: after a restart on the
 * same data, a new consumer of the group starts exactly at them (nothing skipped, nothing read
 * again), under the classic protocol and under KIP-848's consumer protocol. The first consumer is
 * still a member when the broker dies, so the restarted coordinator must also get rid of a member
 * it loaded but that never comes back.
 */
class CommittedOffsetsSigkillTest {
    private static final String TOPIC = "resume";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;

    @TempDir
    Path work;
    private BrokerProcess broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNewConsumerResumesAtTheOffsetsCommittedBeforeTheKill(String protocol) throws Exception {
        // A short minimum session timeout lets the dead member of the first life expire quickly.
        broker = new BrokerProcess(work, BrokerProcess.freePort(), List.of("offsets.topic.num.partitions=5",
                "group.min.session.timeout.ms=500", "group.consumer.heartbeat.interval.ms=500",
                "group.consumer.session.timeout.ms=3000")).start(30_000);
        try (Admin admin = Admin.create(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        produce();
        String group = "resume-" + protocol;

        // First life: read part of each partition and commit, twice (the later commit must win).
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        KafkaConsumer<String, String> first = consumer(group, protocol);
        first.subscribe(List.of(TOPIC));
        Map<TopicPartition, Long> readUpTo = new HashMap<>();
        waitUntil("the first consumer reading 40 records of every partition", () -> {
            for (ConsumerRecord<String, String> r : first.poll(Duration.ofMillis(100))) {
                readUpTo.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
            }
            return readUpTo.size() == PARTITIONS && readUpTo.values().stream().allMatch(o -> o >= 40);
        }, null);
        for (int round = 1; round <= 2; round++) {
            for (int p = 0; p < PARTITIONS; p++) {
                // Different offsets per partition, all below what was read: a resume at the wrong one shows.
                committed.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(round * (7 + 5 * p), "round " + round));
            }
            first.commitSync(committed);
        }

        broker.kill();
        first.close(Duration.ZERO); // the process died with the broker: no leave reaches it
        broker.start(30_000);

        try (Admin admin = Admin.create(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            assertEquals(committed, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS),
                    "committed offsets and metadata after the restart");
        }
        Map<Integer, List<Long>> resumed = new TreeMap<>();
        try (KafkaConsumer<String, String> second = consumer(group, protocol)) {
            second.subscribe(List.of(TOPIC));
            waitUntil("the new consumer reading everything after the committed offsets", () -> {
                for (ConsumerRecord<String, String> r : second.poll(Duration.ofMillis(100))) {
                    resumed.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
                }
                return resumed.values().stream().mapToInt(List::size).sum()
                        >= RECORDS - committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
            }, null);
        }
        Map<Integer, List<Long>> expected = new TreeMap<>();
        committed.forEach((tp, om) -> expected.put(tp.partition(),
                LongStream.range(om.offset(), RECORDS / PARTITIONS).boxed().toList()));
        assertEquals(expected, resumed, "offsets read after the restart, per partition");
    }

    private void produce() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private KafkaConsumer<String, String> consumer(String group, String protocol) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
        if (protocol.equals("classic")) {
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "3000");
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        }
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
