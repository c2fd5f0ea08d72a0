package io.sluice.bench;

import io.sluice.testing.ApacheKafkaLauncher;
import io.sluice.testing.BrokerMetadataView;
import io.sluice.testing.ClusterProcesses;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * Measures, on 3 controllers + 3 brokers as separate processes (the "Multiple nodes" layout):
 * <ol>
 *   <li>metadata propagation: K topics created one after the other through one broker; for each, the
 *       time from sending CreateTopics until all brokers answer Metadata with the complete topic
 *       (each broker polled over its own connection), and the time until CreateTopics is acknowledged;
 *   <li>controller failover: the active controller SIGKILLed, then the time until a CreateTopics
 *       through the brokers succeeds; repeated, each time after the killed controller rejoined.
 * </ol>
 * Not a test: run by {@code bench/metadata-propagation.sh}. Usage:
 * {@code MetadataPropagationBench sluice|kafka WORK_DIR [topics=50] [failovers=3] [kafka.home=/opt/kafka-4.3.1]
 * [slf4j.binding=JAR] [any.kafka.setting=value ...]}. Prints RESULT lines.
 */
public final class MetadataPropagationBench {
    private MetadataPropagationBench() {
    }

    public static void main(String[] args) throws Exception {
        String flavor = args[0];
        Path work = Path.of(args[1]);
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (List.of("topics", "failovers", "kafka.home", "slf4j.binding", "heap").contains(kv[0])) {
                opts.put(kv[0], kv[1]);
            } else {
                settings.put(kv[0], kv[1]);
            }
        }
        int topics = Integer.parseInt(opts.getOrDefault("topics", "50"));
        int failovers = Integer.parseInt(opts.getOrDefault("failovers", "3"));
        NodeLauncher launcher = switch (flavor) {
            case "sluice" -> new SluiceEnvLauncher();
            case "kafka" -> new ApacheKafkaLauncher(Path.of(opts.getOrDefault("kafka.home", "/opt/kafka-4.3.1")),
                    Path.of(opts.get("slf4j.binding")), opts.getOrDefault("heap", "-Xmx512m"));
            default -> throw new IllegalArgumentException("flavor: sluice or kafka, not " + flavor);
        };
        Files.createDirectories(work);
        try (ClusterProcesses cluster = ClusterProcesses.kraft(work, 3, 3, settings, launcher)) {
            try {
                long t0 = System.nanoTime(); // after creating the nodes: Kafka's storage formatting is not start-up
                cluster.start(Duration.ofSeconds(120));
                System.out.printf("RESULT flavor=%s what=cluster_start ms=%d%n", flavor, ms(t0));
                awaitBrokersRegistered(cluster);
                propagation(flavor, cluster, topics);
                failover(flavor, cluster, failovers);
            } catch (Exception | AssertionError e) {
                System.err.println(cluster.logTails());
                throw e;
            }
        }
    }

    /** Every broker lists every broker: the cluster is complete. */
    private static void awaitBrokersRegistered(ClusterProcesses cluster) throws Exception {
        List<Integer> expected = cluster.brokers().stream().map(ClusterProcesses.Node::id).toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ClusterProcesses.Node b : cluster.brokers()) {
            try (BrokerMetadataView view = new BrokerMetadataView("127.0.0.1", b.port())) {
                while (!view.brokerIds().containsAll(expected)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("broker " + b.id() + " lists " + view.brokerIds());
                    }
                    Thread.sleep(50);
                }
            }
        }
    }

    private static void propagation(String flavor, ClusterProcesses cluster, int count) throws Exception {
        List<Long> visible = new ArrayList<>();
        List<Long> acked = new ArrayList<>();
        List<BrokerMetadataView> views = new ArrayList<>();
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.brokers().get(0).address());
        try (Admin admin = Admin.create(props)) {
            for (ClusterProcesses.Node b : cluster.brokers()) {
                views.add(new BrokerMetadataView("127.0.0.1", b.port()));
            }
            admin.createTopics(List.of(new NewTopic("warmup", 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < count; i++) {
                String topic = "prop-" + i;
                long t0 = System.nanoTime();
                // the acknowledgement's time, taken when it arrives (visibility is polled meanwhile)
                var ackedAt = admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all()
                        .toCompletionStage().toCompletableFuture().thenApply(v -> System.nanoTime());
                boolean[] seen = new boolean[views.size()];
                int remaining = views.size();
                long deadline = t0 + TimeUnit.SECONDS.toNanos(30);
                while (remaining > 0) {
                    for (int v = 0; v < views.size(); v++) {
                        if (!seen[v] && views.get(v).topics(List.of(topic)).containsKey(topic)) {
                            seen[v] = true;
                            remaining--;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(topic + " not visible on every broker after 30 s");
                    }
                    if (remaining > 0) {
                        Thread.sleep(1); // a busy poll would take a core from the brokers on a small machine
                    }
                }
                visible.add(System.nanoTime() - t0);
                acked.add(ackedAt.get(30, TimeUnit.SECONDS) - t0);

            }
        } finally {
            for (BrokerMetadataView v : views) {
                v.close();
            }
        }
        System.out.printf("RESULT flavor=%s what=create_to_visible_on_all_brokers topics=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                flavor, count, pct(visible, 50), pct(visible, 99), pct(visible, 100));
        System.out.printf("RESULT flavor=%s what=create_acked topics=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                flavor, count, pct(acked, 50), pct(acked, 99), pct(acked, 100));
    }

    private static void failover(String flavor, ClusterProcesses cluster, int rounds) throws Exception {
        List<Long> times = new ArrayList<>();
        List<Long> elections = new ArrayList<>();
        Map<String, Object> overrides = Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20, AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
        try (Admin admin = cluster.admin(overrides)) {
            for (int r = 0; r < rounds; r++) {
                admin.createTopics(List.of(new NewTopic("before-" + r, 1, (short) 3))).all().get(60, TimeUnit.SECONDS);
                QuorumInfo before = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
                int leader = before.leaderId();
                ClusterProcesses.Node victim = cluster.node(leader);
                long t0 = System.nanoTime();
                victim.process().kill();
                // In parallel with the creations: when DescribeQuorum through the brokers names a new leader.
                CompletableFuture<Long> newLeaderSeen = CompletableFuture.supplyAsync(
                        () -> newLeaderSeenAt(cluster, overrides, before.leaderEpoch()));
                String topic = "failover-" + r;
                while (true) {
                    try {
                        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(60, TimeUnit.SECONDS);
                        break;
                    } catch (ExecutionException e) {
                        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
                            throw e;
                        }
                        // a timed-out attempt may still have created it: then the next attempt says it exists
                        if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                            break;
                        }
                    }
                }
                long took = System.nanoTime() - t0;
                long seen = newLeaderSeen.get(60, TimeUnit.SECONDS) - t0;
                times.add(took);
                elections.add(seen);
                System.out.printf("RESULT flavor=%s what=failover_round round=%d killed=%d sigkill_to_created_ms=%.1f"
                        + " sigkill_to_new_leader_in_describequorum_ms=%.1f%n", flavor, r, leader, took / 1e6, seen / 1e6);
                cluster.restart(victim, Duration.ofSeconds(120));
                awaitRejoined(admin, leader);
            }
        }
        System.out.printf("RESULT flavor=%s what=failover_create rounds=%d sigkill_to_created_ms=%s median_ms=%.1f%n",
                flavor, rounds, list(times), pct(times, 50));
        System.out.printf("RESULT flavor=%s what=failover_elect rounds=%d sigkill_to_new_leader_in_describequorum_ms=%s"
                + " median_ms=%.1f%n", flavor, rounds, list(elections), pct(elections, 50));
    }

    /** Polls DescribeQuorum (any broker, forwarded) until it names a leader in a later epoch; returns when. */
    private static long newLeaderSeenAt(ClusterProcesses cluster, Map<String, Object> overrides, long oldEpoch) {
        try (Admin admin = cluster.admin(overrides)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
                    if (q.leaderEpoch() > oldEpoch && q.leaderId() >= 0) {
                        return System.nanoTime();
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    // no controller reachable yet: ask again
                }
                Thread.sleep(5);
            }
            throw new IllegalStateException("DescribeQuorum named no new leader within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String list(List<Long> nanos) {
        return nanos.stream().map(t -> String.format("%.0f", t / 1e6)).collect(Collectors.joining(","));
    }

    /** DescribeQuorum shows the restarted voter caught up with the high watermark. */
    private static void awaitRejoined(Admin admin, int id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                QuorumInfo info = admin.describeMetadataQuorum().quorumInfo().get(10, TimeUnit.SECONDS);
                long hw = info.highWatermark();
                boolean caughtUp = info.voters().stream().anyMatch(v -> v.replicaId() == id && v.logEndOffset() >= hw);
                if (caughtUp && info.leaderId() != id) {
                    return;
                }
            } catch (ExecutionException e) {
                // the brokers may not know the controller yet: ask again
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("controller " + id + " did not rejoin within 60 s");
    }

    private static long ms(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double pct(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        sorted.sort(null);
        int rank = Math.max(1, (int) Math.ceil(p / 100.0 * sorted.size()));
        return sorted.get(rank - 1) / 1e6;
    }
}
