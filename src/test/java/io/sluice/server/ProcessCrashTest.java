package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.testing.BrokerProcess;
import io.sluice.testing.KafkaTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.CommonClientConfigs;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as a real JVM process, SIGKILLed twice while an idempotent producer streams numbered
 * records into it, restarted each time on the same port and data dir. Afterwards every
 * acknowledged record is in the log exactly once, at the offset its acknowledgement named, and in
 * send order per partition.
 *
 * <p>acks=all runs an idempotent producer with unbounded retries: every record must get through
 * the restarts, exactly once. Kafka's producer refuses enable.idempotence=true with acks=1
 * ("Must set acks to all in order to use the idempotent producer"), so acks=1 runs a plain
 * producer with retries=0: a record in flight at the kill may fail (and may or may not be in the
 * log), but no record is ever sent twice, so each acknowledged record must be there exactly once.
 * acks=1 is acknowledged before any fsync; a process kill leaves the OS page cache intact, so
 * acknowledged data must survive it (a machine crash is another matter). Finally, after a clean
 * stop, Kafka's own DumpLogSegments reads the segments and indexes those lives left behind.
 */
class ProcessCrashTest {
    private static final String TOPIC = "crash";
    private static final int PARTITIONS = 3;
    private static final int TOTAL = 6000;
    private static final int IN_FLIGHT = 300;
    private static final String PADDING = "|" + "p".repeat(1000);

    /** Resolving Kafka's tools may download them on a fresh machine: outside the tests' time limits. */
    @org.junit.jupiter.api.BeforeAll
    static void resolveKafkaTools() throws Exception {
        KafkaTools.classpath();
    }

    @TempDir
    Path work;
    BrokerProcess broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    record Acked(int seq, int partition, long offset) {
    }

    @ParameterizedTest(name = "acks={0}")
    @ValueSource(strings = {"1", "all"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void acknowledgedRecordsSurviveSigkillExactlyOnceAndInOrder(String acks) throws Exception {
        broker = new BrokerProcess(work, BrokerProcess.freePort(), List.of()).start(30_000);
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            // 1 MiB segments (Kafka's minimum): each partition rolls a couple of times during the run
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1)
                    .configs(Map.of("segment.bytes", "1048576")))).all().get(30, TimeUnit.SECONDS);
        }

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, acks);
        boolean idempotent = acks.equals("all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
        if (!idempotent) {
            p.put(ProducerConfig.RETRIES_CONFIG, "0");
        }
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "16384"); // many small batches, so a kill lands between some
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "40000");

        List<Acked> acked = new CopyOnWriteArrayList<>();
        Map<Integer, Exception> failed = new ConcurrentHashMap<>();
        AtomicInteger completed = new AtomicInteger();
        Semaphore window = new Semaphore(IN_FLIGHT);
        Thread sender;
        int[] ackedAtKill = new int[2];
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            List<Throwable> senderError = new CopyOnWriteArrayList<>();
            sender = new Thread(() -> {
                try {
                    for (int i = 0; i < TOTAL; i++) {
                        final int seq = i;
                        if (!window.tryAcquire(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("no acknowledgement for 60 s at record " + i);
                        }
                        producer.send(new ProducerRecord<>(TOPIC, seq % PARTITIONS, "k" + seq, seq + PADDING),
                                (md, e) -> {
                                    if (e == null) {
                                        acked.add(new Acked(seq, md.partition(), md.offset()));
                                    } else {
                                        failed.put(seq, e);
                                    }
                                    completed.incrementAndGet();
                                    window.release();
                                });
                    }
                } catch (Throwable t) {
                    senderError.add(t);
                }
            }, "crash-test-sender");
            sender.start();

            // Two kills, each while records are streaming: after a third and after two thirds of them.
            for (int round = 1; round <= 2; round++) {
                int threshold = TOTAL * round / 3;
                awaitTrue(() -> completed.get() >= threshold, 30_000,
                        () -> "only " + completed.get() + " of " + threshold + " records completed before kill #" + threshold
                                + "; failures " + failed.size() + "\n" + broker.logTail());
                int before = completed.get();
                ackedAtKill[round - 1] = acked.size();
                broker.kill();
                assertTrue(before < TOTAL, "the kill must land mid-stream, but all " + TOTAL + " had completed");
                broker.start(30_000);
            }
            sender.join(60_000);
            assertTrue(senderError.isEmpty(), () -> "sender failed: " + senderError);
            awaitTrue(() -> completed.get() == TOTAL, 45_000,
                    () -> "only " + completed.get() + " of " + TOTAL + " sends completed\n" + broker.logTail());
        }

        // The producer's view: what was acknowledged, per partition, in send order.
        Map<Integer, List<Acked>> ackedByPartition = new HashMap<>();
        for (Acked a : acked) {
            ackedByPartition.computeIfAbsent(a.partition(), k -> new ArrayList<>()).add(a);
        }
        for (List<Acked> list : ackedByPartition.values()) {
            list.sort((x, y) -> Integer.compare(x.seq(), y.seq()));
            for (int i = 1; i < list.size(); i++) {
                assertTrue(list.get(i).offset() > list.get(i - 1).offset(),
                        "acknowledged offsets go backwards in send order: " + list.get(i - 1) + " then " + list.get(i));
            }
        }
        if (idempotent) {
            // Idempotence with unbounded retries gets every record through the restarts.
            assertTrue(failed.isEmpty(), () -> failed.size() + " sends failed, e.g. " + failed.entrySet().stream().limit(3).toList());
            assertEquals(TOTAL, acked.size());
        } else {
            // Without retries only the records in flight at a kill may fail; the stream goes on after each restart.
            assertTrue(acked.size() >= TOTAL / 2, "only " + acked.size() + " of " + TOTAL + " acknowledged; failures e.g. "
                    + failed.entrySet().stream().limit(3).toList());
        }
        assertTrue(acked.size() > ackedAtKill[1] && ackedAtKill[1] > ackedAtKill[0] && ackedAtKill[0] > 0,
                "acknowledgements before, between and after the kills: " + java.util.Arrays.toString(ackedAtKill) + ", " + acked.size());

        // The log's view after the last restart.
        Map<Integer, List<ConsumerRecord<String, String>>> log = readAll();
        System.out.printf("ProcessCrashTest acks=%s: %d acknowledged (%d at kill 1, %d at kill 2), %d failed, %d in the log, segments %s%n",
                acks, acked.size(), ackedAtKill[0], ackedAtKill[1], failed.size(),
                log.values().stream().mapToInt(List::size).sum(), segmentCounts());
        for (int partition = 0; partition < PARTITIONS; partition++) {
            List<ConsumerRecord<String, String>> records = log.getOrDefault(partition, List.of());
            Map<Integer, Long> offsetOfSeq = new HashMap<>();
            List<Integer> seqsInLog = new ArrayList<>();
            for (ConsumerRecord<String, String> r : records) {
                int seq = Integer.parseInt(r.value().substring(0, r.value().indexOf('|')));
                assertEquals(seq + PADDING, r.value(), "value of record " + seq);
                assertEquals("k" + seq, r.key(), "key of record " + seq);
                assertEquals(partition, seq % PARTITIONS, "record " + seq + " in the wrong partition");
                Long previous = offsetOfSeq.put(seq, r.offset());
                if (previous != null) {
                    fail("record " + seq + " is in partition " + partition + " twice: offsets " + previous + " and " + r.offset());
                }
                seqsInLog.add(seq);
            }
            List<Acked> expected = ackedByPartition.getOrDefault(partition, List.of());
            List<Integer> expectedSeqs = expected.stream().map(Acked::seq).toList();
            List<Integer> ackedSeqsInLogOrder = seqsInLog.stream().filter(s -> expectedSeqs.contains(s)).toList();
            for (Acked a : expected) {
                Long at = offsetOfSeq.get(a.seq());
                if (at == null) {
                    fail("acknowledged record " + a + " is missing from partition " + partition);
                }
                assertEquals(a.offset(), at, "record " + a.seq() + " is not at the offset its acknowledgement named");
            }
            assertEquals(expectedSeqs, ackedSeqsInLogOrder, "per-partition order of acknowledged records");
        }

        // Timestamp lookups go through the time indexes rebuilt or continued after each kill.
        assertTimestampLookups(log);

        // The files written across three broker lives, two of them cut short, after a clean stop:
        // Kafka's own DumpLogSegments reads every record and finds the indexes sound.
        broker.stop();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Path dir = broker.dataDir().resolve(TOPIC + "-" + partition);
            List<String> segments = new ArrayList<>();
            List<String> indexes = new ArrayList<>();
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".log")) {
                        segments.add(f.toString());
                    } else if (name.endsWith(".index") || name.endsWith(".timeindex")) {
                        indexes.add(f.toString());
                    }
                }
            }
            assertTrue(segments.size() >= 2, "partition " + partition + " never rolled: " + segments);
            KafkaTools.Result dump = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments",
                    List.of("--deep-iteration", "--files", String.join(",", segments)), 120);
            assertEquals(0, dump.exitCode(), dump::all);
            assertEquals(null, KafkaTools.trouble(dump), () -> KafkaTools.trouble(dump));
            long listed = dump.stdout().lines().filter(l -> l.startsWith("| offset: ")).count();
            assertEquals(log.getOrDefault(partition, List.of()).size(), listed, "records DumpLogSegments lists in partition " + partition);
            KafkaTools.Result sanity = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments",
                    List.of("--index-sanity-check", "--files", String.join(",", indexes)), 120);
            assertEquals(0, sanity.exitCode(), sanity::all);
            assertEquals(null, KafkaTools.trouble(sanity), () -> KafkaTools.trouble(sanity));
            for (String index : indexes) {
                assertTrue(sanity.stdout().contains(index + " passed sanity check"), () -> index + " failed:\n" + sanity.all());
            }
            KafkaTools.Result verify = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments",
                    List.of("--verify-index-only", "--files", String.join(",", indexes)), 120);
            assertEquals(0, verify.exitCode(), verify::all);
            assertEquals(null, KafkaTools.trouble(verify), () -> KafkaTools.trouble(verify));
        }
    }

    @org.junit.jupiter.api.Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void topicsCreatedRightBeforeASigkillKeepTheirIdsAndPartitions() throws Exception {
        broker = new BrokerProcess(work, BrokerProcess.freePort(), List.of()).start(30_000);
        Map<String, org.apache.kafka.clients.admin.TopicDescription> before;
        List<String> names = List.of("t-a", "t-b", "t-c", "t-d");
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                topics.add(new NewTopic(names.get(i), i + 1, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            before = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            // A delete answered just before the kill must stick too.
            admin.deleteTopics(List.of("t-d")).all().get(30, TimeUnit.SECONDS);
        }
        broker.kill();
        broker.start(30_000);
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            java.util.Set<String> listed = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            assertEquals(java.util.Set.of("t-a", "t-b", "t-c"), listed, "topics after the kill");
            Map<String, org.apache.kafka.clients.admin.TopicDescription> after =
                    admin.describeTopics(List.of("t-a", "t-b", "t-c")).allTopicNames().get(30, TimeUnit.SECONDS);
            for (String name : after.keySet()) {
                assertEquals(before.get(name).topicId(), after.get(name).topicId(), "topic id of " + name);
                assertEquals(before.get(name).partitions().size(), after.get(name).partitions().size(), "partitions of " + name);
            }
        }
    }

    private Map<Integer, Long> segmentCounts() throws java.io.IOException {
        Map<Integer, Long> counts = new java.util.TreeMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(broker.dataDir().resolve(TOPIC + "-" + partition))) {
                counts.put(partition, files.filter(f -> f.toString().endsWith(".log")).count());
            }
        }
        return counts;
    }

    private void assertTimestampLookups(Map<Integer, List<ConsumerRecord<String, String>>> log) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            for (Map.Entry<Integer, List<ConsumerRecord<String, String>>> e : log.entrySet()) {
                List<ConsumerRecord<String, String>> records = e.getValue();
                TopicPartition tp = new TopicPartition(TOPIC, e.getKey());
                // every 97th record's timestamp, and one past the last
                for (int i = 0; i <= records.size(); i += Math.min(97, Math.max(1, records.size() - i))) {
                    long ts = i < records.size() ? records.get(i).timestamp()
                            : records.stream().mapToLong(ConsumerRecord::timestamp).max().orElse(0) + 1;
                    Long expected = records.stream().filter(r -> r.timestamp() >= ts).map(ConsumerRecord::offset)
                            .min(Long::compare).orElse(null);
                    var found = consumer.offsetsForTimes(Map.of(tp, ts), Duration.ofSeconds(15)).get(tp);
                    assertEquals(expected, found == null ? null : found.offset(), "offsetsForTimes(" + tp + ", " + ts + ")");
                    if (i == records.size()) {
                        break;
                    }
                }
            }
        }
    }

    private Map<Integer, List<ConsumerRecord<String, String>>> readAll() throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            tps.add(new TopicPartition(TOPIC, i));
        }
        Map<Integer, List<ConsumerRecord<String, String>>> out = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(15));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    fail("could not read up to the end offsets " + end + " in 30 s\n" + broker.logTail());
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(5)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static void awaitTrue(BooleanSupplier condition, long timeoutMs, java.util.function.Supplier<String> message)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(message.get());
            }
            Thread.sleep(10); // polling interval of a condition with a deadline, not a synchronization point
        }
    }
}
