package io.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Compaction through a real broker: real kafka-clients produce overwrites, a consumer from the start sees the latest. */
class CompactionEndToEndTest {
    private static final String TOPIC = "compacted-e2e";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 40;
    private static final int ROUNDS = 40;

    @TempDir
    Path data;

    /** Topics allow segment.bytes >= 1 MiB only, so enough is produced (about 3 MiB) to roll a few segments. */
    private Map<String, String> produceOverwrites(TestBroker broker, String compression) throws Exception {
        try (Admin admin = Admin.create(broker.clientProps())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact", "segment.bytes", Integer.toString(1 << 20)))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, String> latest = new LinkedHashMap<>();
        Properties p = broker.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < KEYS; k++) {
                    String key = "key-" + k;
                    // Random-ish padding so compression does not shrink the data below one segment.
                    String value = "round-" + r + "-" + key + "-" + randomText(2000, r * KEYS + k);
                    producer.send(new ProducerRecord<>(TOPIC, 0, key, value));
                    latest.put(key, value);
                }
            }
            producer.flush();
        }
        return latest;
    }

    private static String randomText(int n, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) ('a' + rnd.nextInt(26)));
        return sb.toString();
    }

    private static List<ConsumerRecord<String, String>> consumeAll(TestBroker broker) {
        Properties p = broker.clientProps();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(TP0));
            consumer.seekToBeginning(List.of(TP0));
            long end = consumer.endOffsets(List.of(TP0)).get(TP0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(TP0) < end) {
                if (System.nanoTime() > deadline) throw new AssertionError("consumer stuck at " + consumer.position(TP0) + " of " + end);
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(200))) out.add(rec);
            }
        }
        return out;
    }

    private static void assertCompacted(List<ConsumerRecord<String, String>> read, Map<String, String> latest) {
        long prev = -1;
        boolean gap = false;
        Map<String, String> lastSeen = new HashMap<>();
        for (ConsumerRecord<String, String> rec : read) {
            assertTrue(rec.offset() > prev);
            if (rec.offset() != prev + 1) gap = true;
            prev = rec.offset();
            lastSeen.put(rec.key(), rec.value());
        }
        assertEquals(latest, lastSeen, "every key's latest value");
        assertTrue(gap, "compaction leaves offset gaps");
        assertTrue(read.size() < KEYS * ROUNDS / 2, "most overwrites are gone: " + read.size() + " of " + KEYS * ROUNDS);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void consumerFromTheStartSeesOnlyLatestValuesAfterCleaning() throws Exception {
        try (TestBroker broker = new TestBroker(data, Map.of("log.cleaner.enable", "false")).start()) {
            Map<String, String> latest = produceOverwrites(broker, "lz4");
            assertEquals(KEYS * ROUNDS, consumeAll(broker).size(), "nothing cleaned yet");
            LogCleaner cleaner = broker.broker().parts().logs().cleaner();
            assertTrue(cleaner.cleanOnce(System.currentTimeMillis()).isPresent());
            assertCompacted(consumeAll(broker), latest);
            // Still so after a restart (the swap is on disk, the checkpoint says how far the log is clean).
            broker.stop();
            broker.start();
            assertCompacted(consumeAll(broker), latest);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void backgroundCleanerThreadCompactsOnItsOwn() throws Exception {
        try (TestBroker broker = new TestBroker(data, Map.of("log.cleaner.backoff.ms", "100")).start()) {
            Map<String, String> latest = produceOverwrites(broker, "none");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<ConsumerRecord<String, String>> read = consumeAll(broker);
            while (read.size() >= KEYS * ROUNDS / 2) {
                if (System.nanoTime() > deadline) throw new AssertionError("not compacted: " + read.size() + " records");
                Thread.sleep(200); // polling the observable outcome of a background thread, with a deadline
                read = consumeAll(broker);
            }
            assertCompacted(read, latest);
        }
    }
}
