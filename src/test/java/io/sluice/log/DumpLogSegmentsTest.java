package io.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.KafkaTools;
import io.sluice.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own {@code DumpLogSegments} (kafka-tools 4.3.1, its own JVM and classpath) reads
 * the segment, offset index and time index files Sluice wrote: every offset with its key, value and
 * headers, every batch with a valid CRC and the codec it was produced with, indexes that pass
 * Kafka's sanity check and match the log.
 */
class DumpLogSegmentsTest {
    private static final String TOPIC = "dumped";
    private static final List<String> CODECS = List.of("none", "gzip", "lz4", "zstd", "snappy");
    private static final int BATCHES_PER_CODEC = 3;
    private static final int RECORDS_PER_BATCH = 40;

    /** Resolving Kafka's tools may download them on a fresh machine: outside the tests' time limits. */
    @org.junit.jupiter.api.BeforeAll
    static void resolveKafkaTools() throws Exception {
        KafkaTools.classpath();
    }

    @TempDir
    Path data;

    record Sent(long offset, String codec, String key, String value, List<String> headerKeys) {
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void kafkasDumpLogSegmentsReadsEverySluiceSegmentAndIndex() throws Exception {
        List<Sent> sent = new ArrayList<>();
        try (TestBroker broker = new TestBroker(data).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                // A small index interval puts many entries in .index and .timeindex.
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                        .configs(Map.of("index.interval.bytes", "512")))).all().get(30, TimeUnit.SECONDS);
            }
            int n = 0;
            for (String codec : CODECS) {
                Properties p = broker.clientProps();
                p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                    for (int b = 0; b < BATCHES_PER_CODEC; b++) {
                        List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
                        List<Sent> batch = new ArrayList<>();
                        for (int i = 0; i < RECORDS_PER_BATCH; i++, n++) {
                            // every third record has no key; every other one has headers
                            String key = n % 3 == 0 ? null : "key-" + n;
                            String value = "value-" + n + "-" + codec + "-" + "x".repeat(n % 50);
                            RecordHeaders headers = new RecordHeaders();
                            List<String> headerKeys = new ArrayList<>();
                            if (n % 2 == 0) {
                                headers.add("h-seq", Integer.toString(n).getBytes(StandardCharsets.UTF_8));
                                headers.add("h-codec", codec.getBytes(StandardCharsets.UTF_8));
                                headerKeys = List.of("h-seq", "h-codec");
                            }
                            futures.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, key, value, headers)));
                            batch.add(new Sent(-1, codec, key, value, headerKeys));
                        }
                        producer.flush();
                        for (int i = 0; i < futures.size(); i++) {
                            Sent s = batch.get(i);
                            sent.add(new Sent(futures.get(i).get().offset(), s.codec(), s.key(), s.value(), s.headerKeys()));
                        }
                    }
                }
            }
            broker.stop(); // a clean stop: indexes trimmed and flushed as Kafka leaves them
        }

        Path dir = data.resolve(TOPIC + "-0");
        List<Path> logs;
        try (Stream<Path> files = Files.list(dir)) {
            logs = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        assertFalse(logs.isEmpty(), "no segment in " + dir);

        // 1. The records, deep.
        List<String> args = List.of("--deep-iteration", "--print-data-log", "--files",
                String.join(",", logs.stream().map(Path::toString).toList()));
        KafkaTools.Result dump = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments", args, 120);
        System.out.println(dump.stdout().lines().limit(12).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, dump.exitCode(), dump::all);
        assertNoTrouble(dump);

        Pattern batchLine = Pattern.compile("^baseOffset: (\\d+) lastOffset: (\\d+) count: (\\d+) .*compresscodec: (\\S+) crc: \\d+ isvalid: (\\S+)");
        Pattern recordLine = Pattern.compile("^\\| offset: (\\d+) .*headerKeys: \\[([^\\]]*)\\](?: key: (.*))? payload: (.*)$");
        Map<Long, String> codecOfOffset = new TreeMap<>();
        Map<Long, Matcher> records = new TreeMap<>();
        int batches = 0;
        for (String line : dump.stdout().lines().toList()) {
            Matcher b = batchLine.matcher(line);
            if (b.find()) {
                batches++;
                assertEquals("true", b.group(5), "CRC of batch: " + line);
                long base = Long.parseLong(b.group(1));
                long last = Long.parseLong(b.group(2));
                assertEquals(last - base + 1, Long.parseLong(b.group(3)), "count of batch: " + line);
                for (long o = base; o <= last; o++) {
                    codecOfOffset.put(o, b.group(4));
                }
                continue;
            }
            Matcher r = recordLine.matcher(line);
            if (r.find()) {
                Matcher previous = records.put(Long.parseLong(r.group(1)), r);
                assertEquals(null, previous, "offset listed twice: " + line);
            }
        }
        assertEquals(sent.size(), records.size(), "records listed by DumpLogSegments");
        assertTrue(batches >= CODECS.size() * BATCHES_PER_CODEC, "batches listed: " + batches);
        for (Sent s : sent) {
            Matcher r = records.get(s.offset());
            assertTrue(r != null, "offset " + s.offset() + " is missing from the dump");
            assertEquals(s.value(), r.group(4), "payload at " + s.offset());
            // a null key prints no "key:" at all
            assertEquals(s.key(), r.group(3), "key at " + s.offset());
            assertEquals(String.join(",", s.headerKeys()), r.group(2), "header keys at " + s.offset());
            assertEquals(s.codec(), codecOfOffset.get(s.offset()), "codec of the batch holding " + s.offset());
        }

        // 2. The indexes: Kafka's own start-up sanity check, then a full check against the log.
        List<String> indexes = new ArrayList<>();
        for (Path log : logs) {
            String base = log.toString().substring(0, log.toString().length() - ".log".length());
            assertTrue(Files.exists(Path.of(base + ".index")), base + ".index missing");
            assertTrue(Files.exists(Path.of(base + ".timeindex")), base + ".timeindex missing");
            indexes.add(base + ".index");
            indexes.add(base + ".timeindex");
        }
        KafkaTools.Result sanity = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments",
                List.of("--index-sanity-check", "--files", String.join(",", indexes)), 120);
        System.out.println(sanity.all());
        assertEquals(0, sanity.exitCode(), sanity::all);
        assertNoTrouble(sanity);
        for (String index : indexes) {
            assertTrue(sanity.stdout().contains(index + " passed sanity check"), () -> index + " did not pass:\n" + sanity.all());
        }

        KafkaTools.Result verify = KafkaTools.run("org.apache.kafka.tools.DumpLogSegments",
                List.of("--files", String.join(",", indexes)), 120);
        System.out.println(verify.stdout().lines().limit(12).reduce("", (a, b) -> a + b + "\n"));
        assertEquals(0, verify.exitCode(), verify::all);
        assertNoTrouble(verify);
        long offsetEntries = verify.stdout().lines().filter(l -> l.startsWith("offset: ") && l.contains("position: ")).count();
        long timeEntries = verify.stdout().lines().filter(l -> l.startsWith("timestamp: ")).count();
        assertTrue(offsetEntries >= 5, "offset index entries: " + offsetEntries + "\n" + verify.stdout());
        assertTrue(timeEntries >= 1, "time index entries: " + timeEntries + "\n" + verify.stdout());
    }

    private static void assertNoTrouble(KafkaTools.Result result) {
        String trouble = KafkaTools.trouble(result);
        assertEquals(null, trouble, trouble);
    }
}
