package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.testing.BrokerProcess;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker process is SIGKILLed, and before it restarts the tail of its active segment is damaged
 * the way a crash can leave it (half a batch, a batch whose CRC does not match, zeroes from a
 * preallocated or unwritten block). The restarted broker truncates the damage on disk, never
 * serves it, and appends the next records right after the last intact one. Likewise a missing
 * offset index and a garbage time index are rebuilt: seeks and timestamp lookups stay exact.
 */
class TornTailProcessTest {
    private static final String TOPIC = "torn";

    @TempDir
    Path work;
    BrokerProcess broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void damagedTailsAfterSigkillAreTruncatedAndNeverServed() throws Exception {
        broker = new BrokerProcess(work, BrokerProcess.freePort(), List.of()).start(30_000);
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Path segment = broker.dataDir().resolve(TOPIC + "-0").resolve("00000000000000000000.log");
        List<String> expected = new ArrayList<>();

        Map<String, Function<Long, byte[]>> damages = new java.util.LinkedHashMap<>();
        damages.put("half a batch", next -> {
            ByteBuffer b = batch(next);
            byte[] half = new byte[b.remaining() / 2];
            b.get(half);
            return half;
        });
        damages.put("a whole batch with a bad CRC", next -> {
            ByteBuffer b = batch(next);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            bytes[bytes.length - 3] ^= 0x5a; // inside the last record: the CRC no longer matches
            return bytes;
        });
        damages.put("zeroes", next -> new byte[4096]);
        damages.put("a batch header claiming more bytes than the file holds", next -> {
            ByteBuffer b = batch(next);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            ByteBuffer.wrap(bytes).putInt(8, 1_000_000); // batch length field
            return bytes;
        });

        int round = 0;
        for (Map.Entry<String, Function<Long, byte[]>> damage : damages.entrySet()) {
            List<RecordMetadata> acked = produce(round, 200);
            for (int i = 0; i < acked.size(); i++) {
                assertEquals(expected.size() + i, acked.get(i).offset(), "offset of record " + i + " of round " + round);
            }
            for (int i = 0; i < 200; i++) {
                expected.add("r" + round + "-" + i);
            }
            broker.kill();
            long intactSize = Files.size(segment);
            try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(damage.getValue().apply((long) expected.size())));
            }
            broker.start(30_000);
            assertEquals(intactSize, Files.size(segment), "segment size after recovering from " + damage.getKey());
            assertEquals(expected, readAll(), "records after recovering from " + damage.getKey());
            round++;
        }
        // and the log goes on after the last repair
        List<RecordMetadata> last = produce(round, 10);
        assertEquals(expected.size(), last.get(0).offset(), "first offset after the last repair");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void missingAndGarbageIndexesAfterSigkillAreRebuilt() throws Exception {
        broker = new BrokerProcess(work, BrokerProcess.freePort(), List.of()).start(30_000);
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("index.interval.bytes", "256"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        List<RecordMetadata> acked = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            acked.addAll(produce(round, 300));
        }
        broker.kill();
        Path dir = broker.dataDir().resolve(TOPIC + "-0");
        Files.delete(dir.resolve("00000000000000000000.index"));
        byte[] garbage = new byte[12 * 40 + 5];
        new java.util.Random(7).nextBytes(garbage);
        Files.write(dir.resolve("00000000000000000000.timeindex"), garbage);
        broker.start(30_000);

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            assertEquals(acked.size(), consumer.endOffsets(List.of(tp), Duration.ofSeconds(15)).get(tp), "end offset");
            // Seeks land on exactly the record asked for: the offset index leads there.
            for (long offset : new long[] {0, 1, 299, 300, 777, 1000, acked.size() - 1}) {
                consumer.seek(tp, offset);
                ConsumerRecord<String, String> first = pollOne(consumer);
                assertEquals(offset, first.offset(), "first record after seek(" + offset + ")");
                assertEquals("r" + (offset / 300) + "-" + (offset % 300), first.value(), "value at " + offset);
            }
            // Timestamp lookups: the time index leads to the first record at or after the time.
            for (int i : new int[] {0, 150, 450, 900, acked.size() - 1}) {
                long ts = acked.get(i).timestamp();
                long expected = -1;
                for (RecordMetadata m : acked) {
                    if (m.timestamp() >= ts) {
                        expected = m.offset();
                        break;
                    }
                }
                var found = consumer.offsetsForTimes(Map.of(tp, ts), Duration.ofSeconds(15)).get(tp);
                assertEquals(expected, found == null ? -1 : found.offset(), "offsetsForTimes(" + ts + ")");
            }
        }
        // New appends index as before, and Kafka's tool finds the rebuilt indexes sound.
        produce(9, 50);
        broker.stop();
        List<String> indexes = List.of(dir.resolve("00000000000000000000.index").toString(),
                dir.resolve("00000000000000000000.timeindex").toString());
        io.sluice.testing.KafkaTools.Result verify = io.sluice.testing.KafkaTools.run(
                "org.apache.kafka.tools.DumpLogSegments", List.of("--files", String.join(",", indexes)), 120);
        assertEquals(0, verify.exitCode(), verify::all);
        assertEquals(null, io.sluice.testing.KafkaTools.trouble(verify), () -> io.sluice.testing.KafkaTools.trouble(verify));
        long entries = verify.stdout().lines().filter(l -> l.startsWith("offset: ")).count();
        // one entry per batch that follows 256 bytes of unindexed data: at least one per producer round after the first
        org.junit.jupiter.api.Assertions.assertTrue(entries >= 4, "offset index entries after the rebuild: " + entries + "\n" + verify.stdout());
    }

    private static ConsumerRecord<String, String> pollOne(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            var records = consumer.poll(Duration.ofMillis(200));
            if (!records.isEmpty()) {
                return records.iterator().next();
            }
        }
        throw new AssertionError("no record within 15 s");
    }

    private static ByteBuffer batch(long baseOffset) {
        SimpleRecord[] records = new SimpleRecord[5];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("torn-key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("never-acknowledged-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(baseOffset, Compression.NONE, records).buffer();
    }

    private List<RecordMetadata> produce(int round, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        List<RecordMetadata> out = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "r" + round + "-" + i)));
            }
            for (Future<RecordMetadata> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
        }
        return out;
    }

    private List<String> readAll() {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(15)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (consumer.position(tp, Duration.ofSeconds(5)) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
            // Nothing served past the end either.
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                out.add(r.value());
            }
        }
        return out;
    }
}
