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
 * serves it, and appends the next records right after the last intact one.
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
