package io.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.testing.BrokerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the broker process while its cleaner compacts a topic that a producer keeps
 * overwriting. Each kill lands the moment a cleaning's output (.cleaned or .swap files) shows in
 * the partition directory. After the restarts the log is valid: every record readable at an
 * increasing offset, each one a record that was sent, an acknowledged record at the offset it was
 * acknowledged at, and each key's latest acknowledged value (or a later one) still there.
 * (CleanerSwapCrashTest stops a cleaning in-process after each step of its swap; this is the real
 * process dying, page cache and all, at whatever point the cleaner happens to be.)
 */
class CleanerSigkillProcessTest {
    private static final String TOPIC = "overwritten";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 300;
    private static final int KILLS = 3;
    private static final String PADDING = "|" + "c".repeat(900);

    @TempDir
    Path work;
    private BrokerProcess broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    record Acked(String key, long offset) {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sigkillDuringCleaningLeavesAValidCompactedLog() throws Exception {
        broker = new BrokerProcess(work, BrokerProcess.freePort(), List.of("log.cleaner.backoff.ms=20")).start(30_000);
        try (Admin admin = Admin.create(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            // 1 MiB segments (the smallest a topic may have) and any dirt at all is worth a cleaning.
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", Integer.toString(1 << 20), "min.cleanable.dirty.ratio", "0.01",
                    "min.compaction.lag.ms", "0")))).all().get(30, TimeUnit.SECONDS);
        }
        Path partitionDir = broker.dataDir().resolve(TOPIC + "-0");

        Map<Integer, Acked> acked = new ConcurrentHashMap<>(); // seq -> where it was acknowledged
        AtomicBoolean producing = new AtomicBoolean(true);
        List<String> seenCleaning = new ArrayList<>();
        int sent;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(), new StringSerializer(), new StringSerializer())) {
            int[] next = {0};
            Thread sender = new Thread(() -> {
                while (producing.get()) {
                    int seq = next[0]++;
                    String key = "k" + (seq % KEYS);
                    producer.send(new ProducerRecord<>(TOPIC, 0, key, key + "#" + seq + PADDING), (md, e) -> {
                        if (e == null) {
                            acked.put(seq, new Acked(key, md.offset()));
                        }
                    });
                }
            }, "overwriting-producer");
            sender.start();
            for (int kill = 1; kill <= KILLS; kill++) {
                seenCleaning.add(awaitCleaningOutput(partitionDir, 25_000));
                broker.kill();
                broker.start(30_000);
            }
            producing.set(false);
            sender.join(10_000);
            producer.flush();
            sent = next[0];
        }

        List<ConsumerRecord<String, String>> log = readPartition();
        Map<Long, Integer> ackedSeqAt = new HashMap<>();
        acked.forEach((seq, a) -> ackedSeqAt.put(a.offset(), seq));
        Map<String, Long> lastOffsetOfKey = new HashMap<>();
        long previous = -1;
        for (ConsumerRecord<String, String> r : log) {
            assertTrue(r.offset() > previous, "offsets increase: " + r.offset() + " after " + previous);
            previous = r.offset();
            String[] keyAndSeq = r.value().substring(0, r.value().indexOf('|')).split("#");
            int seq = Integer.parseInt(keyAndSeq[1]);
            assertEquals(r.key(), keyAndSeq[0], "record at " + r.offset() + " has the key it was sent with");
            assertTrue(seq < sent && r.value().endsWith(PADDING), "record at " + r.offset() + " was sent as it reads: " + r.value());
            Acked a = acked.get(seq);
            assertTrue(a == null || a.offset() == r.offset(),
                    "record #" + seq + " acknowledged at " + (a == null ? "-" : a.offset()) + " reads at " + r.offset());
            Integer ackedHere = ackedSeqAt.get(r.offset());
            assertTrue(ackedHere == null || ackedHere == seq, "offset " + r.offset() + " was acknowledged for #" + ackedHere + ", holds #" + seq);
            lastOffsetOfKey.put(r.key(), r.offset());
        }
        // Nothing acknowledged is lost unless a later record of its key superseded it.
        for (Map.Entry<Integer, Acked> e : acked.entrySet()) {
            Long last = lastOffsetOfKey.get(e.getValue().key());
            assertTrue(last != null && last >= e.getValue().offset(),
                    "acknowledged #" + e.getKey() + " at " + e.getValue().offset() + " has no record of its key at or after it (last " + last + ")");
        }
        long ackedMax = acked.values().stream().mapToLong(Acked::offset).max().orElseThrow();
        assertTrue(previous >= ackedMax, "the log reaches the last acknowledged record: ends at " + previous + ", acknowledged " + ackedMax);
        assertTrue(log.size() < acked.size(), "cleaning removed overwritten records: " + log.size() + " read, " + acked.size() + " acknowledged");
        System.out.printf("CleanerSigkillProcessTest: %d sent, %d acknowledged, %d records left; kills while %s%n",
                sent, acked.size(), log.size(), seenCleaning);
    }

    /** Polls the partition directory until a cleaning's output file is there; returns its name. */
    private String awaitCleaningOutput(Path partitionDir, long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> files = Files.list(partitionDir)) {
                var found = files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(LogFiles.CLEANED) || n.endsWith(LogFiles.SWAP)).findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // polling interval with a deadline
        }
        fail("no cleaning output appeared in " + partitionDir + " within " + timeoutMs + " ms\n" + broker.logTail());
        return null;
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return p;
    }

    /** Every record of the partition, from its start to its end offset. */
    private List<ConsumerRecord<String, String>> readPartition() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(TP));
            c.seekToBeginning(List.of(TP));
            long end = c.endOffsets(List.of(TP)).get(TP);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (c.position(TP) < end) {
                assertTrue(System.nanoTime() < deadline, "read up to " + c.position(TP) + " of " + end + " in 20 s");
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
