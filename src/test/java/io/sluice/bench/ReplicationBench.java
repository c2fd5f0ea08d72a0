package io.sluice.bench;

import io.sluice.testing.ApacheKafkaLauncher;
import io.sluice.testing.ClusterProcesses;
import io.sluice.testing.KafkaTools;
import io.sluice.testing.NodeLauncher;
import io.sluice.testing.SluiceEnvLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures, on 3 controllers + 3 brokers as separate processes, for Sluice or Apache Kafka alike:
 * <ol>
 *   <li>broker failover: the leader of a partition (RF=3, min.insync.replicas=2) SIGKILLed, then the
 *       time until a record sent right after the kill is acknowledged with {@code acks=all} (by the new
 *       leader: the old one is dead); repeated, each time after the killed broker rejoined the ISR;
 *   <li>{@code acks=all} throughput with RF=3: Kafka's ProducerPerformance on a 3-partition topic.
 * </ol>
 * Not a test: run by {@code bench/replication.sh}. Usage: {@code ReplicationBench sluice|kafka WORK_DIR
 * [failovers=5] [records=300000] [record.size=100] [kafka.home=/opt/kafka-4.3.1] [slf4j.binding=JAR]
 * [any.kafka.setting=value ...]}. Prints RESULT lines.
 */
public final class ReplicationBench {
    private static final List<String> OPTIONS = List.of("failovers", "records", "record.size", "kafka.home",
            "slf4j.binding", "heap");
    /** ProducerPerformance's summary: "300000 records sent, 51234.5 records/sec (4.89 MB/sec), 12.3 ms avg latency, ...". */
    private static final Pattern SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency"
                    + "(?:, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th)?");

    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        String flavor = args[0];
        Path work = Path.of(args[1]);
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("broker.session.timeout.ms", "2000");
        settings.put("broker.heartbeat.interval.ms", "300");
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            (OPTIONS.contains(kv[0]) ? opts : settings).put(kv[0], kv[1]);
        }
        NodeLauncher launcher = switch (flavor) {
            case "sluice" -> new SluiceEnvLauncher();
            case "kafka" -> new ApacheKafkaLauncher(Path.of(opts.getOrDefault("kafka.home", "/opt/kafka-4.3.1")),
                    Path.of(opts.get("slf4j.binding")), opts.getOrDefault("heap", "-Xmx512m"));
            default -> throw new IllegalArgumentException("flavor: sluice or kafka, not " + flavor);
        };
        Files.createDirectories(work);
        try (ClusterProcesses cluster = ClusterProcesses.kraft(work, 3, 3, settings, launcher)) {
            try {
                cluster.start(Duration.ofSeconds(120));
                failover(flavor, cluster, Integer.parseInt(opts.getOrDefault("failovers", "5")));
                throughput(flavor, cluster, Integer.parseInt(opts.getOrDefault("records", "300000")),
                        Integer.parseInt(opts.getOrDefault("record.size", "100")));
            } catch (Exception | AssertionError e) {
                System.err.println(cluster.logTails());
                throw e;
            }
        }
        System.exit(0); // the clients' threads are gone with the cluster, but do not wait for stragglers
    }

    private static void failover(String flavor, ClusterProcesses cluster, int rounds) throws Exception {
        String topic = "failover";
        List<Double> times = new ArrayList<>();
        try (Admin admin = admin(cluster); KafkaProducer<String, String> producer = producer(cluster)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(60, TimeUnit.SECONDS);
            awaitFullIsr(admin, topic);
            producer.send(new ProducerRecord<>(topic, 0, null, "warm-up")).get(60, TimeUnit.SECONDS);
            for (int r = 0; r < rounds; r++) {
                int leader = partition0(admin, topic).leader().id();
                ClusterProcesses.Node victim = cluster.node(leader);
                victim.process().kill();
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, null, "after-kill-" + r)).get(120, TimeUnit.SECONDS);
                double ms = (System.nanoTime() - t0) / 1e6;
                times.add(ms);
                int newLeader = partition0(admin, topic).leader().id();
                System.out.printf("RESULT flavor=%s what=failover_round round=%d killed=%d new_leader=%d"
                        + " sigkill_to_acked_produce_ms=%.1f%n", flavor, r, leader, newLeader, ms);
                cluster.restart(victim, Duration.ofSeconds(120));
                awaitFullIsr(admin, topic);
            }
        }
        List<Double> sorted = times.stream().sorted().toList();
        System.out.printf("RESULT flavor=%s what=failover rounds=%d sigkill_to_acked_produce_ms=%s median_ms=%.1f%n",
                flavor, rounds, times, sorted.get(sorted.size() / 2));
    }

    private static void throughput(String flavor, ClusterProcesses cluster, int records, int recordSize) throws Exception {
        String topic = "perf";
        try (Admin admin = admin(cluster)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all().get(60, TimeUnit.SECONDS);
            awaitFullIsr(admin, topic);
        }
        KafkaTools.Result result = KafkaTools.run("org.apache.kafka.tools.ProducerPerformance", List.of(
                "--topic", topic, "--num-records", Integer.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "acks=all", "bootstrap.servers=" + cluster.bootstrapServers()),
                600);
        Matcher m = null;
        for (String line : result.stdout().lines().toList()) {
            Matcher candidate = SUMMARY.matcher(line);
            if (candidate.find()) {
                m = candidate; // the last one is the summary; earlier ones are the periodic reports
            }
        }
        if (result.exitCode() != 0 || m == null) {
            throw new IllegalStateException("ProducerPerformance failed:\n" + result.all());
        }
        System.out.printf("RESULT flavor=%s what=acks_all_rf3_throughput records=%s record_size=%d records_per_sec=%s"
                        + " mb_per_sec=%s avg_latency_ms=%s max_latency_ms=%s p99_ms=%s%n",
                flavor, m.group(1), recordSize, m.group(2), m.group(3), m.group(4), m.group(5), m.group(8));
    }

    private static TopicPartitionInfo partition0(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        return d.partitions().get(0);
    }

    /** Polls describeTopics until every partition has a leader and all three replicas in the ISR. */
    private static void awaitFullIsr(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic);
                if (d.partitions().stream().allMatch(p -> p.leader() != null && p.isr().size() == 3)) {
                    return;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // the topic not yet known to the broker asked: ask again
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + ": ISR not complete within 120 s");
            }
            Thread.sleep(100);
        }
    }

    private static Admin admin(ClusterProcesses cluster) {
        return cluster.admin(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60000));
    }

    /** The same client settings for both brokers: what the failover time includes is the brokers' part. */
    private static KafkaProducer<String, String> producer(ClusterProcesses cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
