package io.sluice.coordinator.group;

import static io.sluice.coordinator.group.ConsumerGroupEndToEndTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.KafkaTools;
import io.sluice.testing.TestBroker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A word count of our own ({@link WordCountApp}, on the real Kafka Streams library, in a child JVM)
 * against the in-JVM broker, with at_least_once: groupBy goes through a repartition topic and count keeps its store in a compacted
 * changelog. The second half restarts the application (same application.id, new instance, empty
 * local state) on more input: the counts stay exact only if the committed input offsets are
 * honoured (nothing re-counted) and the store is restored from the changelog (nothing forgotten).
 */
class StreamsWordCountTest {
    private static final String APP = "wordcount-own";
    private static final String IN = "text-lines";
    private static final String OUT = "word-counts";
    private static final String STORE = WordCountApp.STORE;

    @TempDir
    Path data;
    @TempDir
    Path appDir;
    private Path appLog;
    private TestBroker broker;
    private Process app;

    @BeforeEach
    void start() throws Exception {
        appLog = appDir.resolve("streams-app.log");
        broker = new TestBroker(data, Map.of("offsets.topic.num.partitions", "5")).start();
        try (Admin admin = Admin.create(broker.clientProps())) {
            admin.createTopics(List.of(new NewTopic(IN, 3, (short) 1), new NewTopic(OUT, 2, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        broker.close();
    }

    @Test
    void countsAreExactAcrossARestartOfTheApplication() throws Exception {
        List<String> firstHalf = lines(0, 30);
        List<String> secondHalf = lines(30, 60);

        produce(firstHalf);
        startStreams(appDir.resolve("state-1"));
        Map<String, Long> expectedFirst = wordCounts(firstHalf);
        awaitLatestCounts(expectedFirst);

        // A clean close commits the input offsets; the next instance must neither re-count nor forget.
        stopStreams();
        assertEquals(inputEndOffsets(), committedInputOffsets(), "the group's committed offsets on " + IN);
        produce(secondHalf);
        startStreams(appDir.resolve("state-2"));
        List<String> all = new ArrayList<>(firstHalf);
        all.addAll(secondHalf);
        Map<String, Long> expectedAll = wordCounts(all);
        awaitLatestCounts(expectedAll);

        stopStreams();
        // Read once more after the application stopped: no late update may overshoot a count.
        assertEquals(expectedAll, latestCounts(Duration.ofSeconds(2)));
        assertInternalTopics();
    }

    /** Lines over a small vocabulary, so every word repeats and lands on different input partitions. */
    private static List<String> lines(int from, int to) {
        String[] vocabulary = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"};
        return IntStream.range(from, to)
                .mapToObj(i -> IntStream.rangeClosed(0, i % 4)
                        .mapToObj(j -> vocabulary[(i * 3 + j * 5) % vocabulary.length])
                        .collect(Collectors.joining(" ")))
                .toList();
    }

    private static Map<String, Long> wordCounts(List<String> lines) {
        return lines.stream().flatMap(l -> Arrays.stream(l.split(" ")))
                .collect(Collectors.groupingBy(w -> w, Collectors.counting()));
    }

    /** Resolving Kafka's jars may download them on a fresh machine: outside the test's time limit. */
    @BeforeAll
    static void resolveKafkaJars() throws Exception {
        KafkaTools.classpath();
    }

    /** The app in a child JVM: Kafka's own jars (kafka-streams with its kafka-clients) and this test's classes. */
    private void startStreams(Path stateDir) throws Exception {
        String classpath = KafkaTools.classpath() + File.pathSeparator
                + Path.of(WordCountApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.writeString(appLog, "---- start with state in " + stateDir + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, WordCountApp.class.getName(),
                broker.bootstrap(), APP, stateDir.toString(), IN, OUT)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(appLog.toFile()))
                .start();
    }

    /** SIGTERM: the app's shutdown hook closes Streams cleanly, which commits the input offsets. */
    private void stopStreams() throws Exception {
        app.destroy();
        assertTrue(app.waitFor(30, TimeUnit.SECONDS), "the Streams app did not stop within 30 s of SIGTERM");
        app = null;
    }

    private void produce(List<String> lines) throws Exception {
        Properties p = broker.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < lines.size(); i++) {
                producer.send(new ProducerRecord<>(IN, "line-" + i, lines.get(i))).get();
            }
        }
    }

    private void awaitLatestCounts(Map<String, Long> expected) throws Exception {
        AtomicReference<Map<String, Long>> seen = new AtomicReference<>(Map.of());
        try {
            waitUntil("the counts " + expected, () -> {
                if (!app.isAlive()) {
                    throw new AssertionError("the Streams app exited with " + app.exitValue());
                }
                seen.set(latestCounts(Duration.ofMillis(300)));
                return seen.get().equals(expected);
            }, null);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last seen " + seen.get() + "\n" + appLogTail(), e);
        }
    }

    private String appLogTail() throws IOException {
        List<String> lines = Files.readAllLines(appLog);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** The last count per word in the output topic, read from the beginning up to its current end. */
    private Map<String, Long> latestCounts(Duration pollTimeout) {
        Properties p = broker.clientProps();
        try (KafkaConsumer<String, Long> c = new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(OUT, 0), new TopicPartition(OUT, 1));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            Map<String, Long> latest = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, Long> r : c.poll(pollTimeout)) {
                    latest.put(r.key(), r.value());
                }
            }
            return latest;
        }
    }

    private Map<TopicPartition, Long> inputEndOffsets() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(broker.clientProps(), new StringDeserializer(), new StringDeserializer())) {
            return c.endOffsets(IntStream.range(0, 3).mapToObj(i -> new TopicPartition(IN, i)).toList());
        }
    }

    private Map<TopicPartition, Long> committedInputOffsets() throws Exception {
        try (Admin admin = Admin.create(broker.clientProps())) {
            Map<TopicPartition, Long> committed = new HashMap<>();
            admin.listConsumerGroupOffsets(APP).partitionsToOffsetAndMetadata().get().forEach((tp, om) -> {
                if (tp.topic().equals(IN)) {
                    committed.put(tp, om.offset());
                }
            });
            return committed;
        }
    }

    private void assertInternalTopics() throws Exception {
        String changelog = APP + "-" + STORE + "-changelog";
        String repartition = APP + "-" + STORE + "-repartition";
        try (Admin admin = Admin.create(broker.clientProps())) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(topics.containsAll(Set.of(changelog, repartition)), "internal topics: " + topics);
            ConfigResource changelogResource = new ConfigResource(ConfigResource.Type.TOPIC, changelog);
            Config config = admin.describeConfigs(List.of(changelogResource)).all().get().get(changelogResource);
            assertEquals("compact", config.get("cleanup.policy").value());
        }
    }
}
