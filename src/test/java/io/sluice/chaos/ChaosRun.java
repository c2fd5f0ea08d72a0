package io.sluice.chaos;

import io.sluice.testing.ClusterProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The chaos run of tests/chaos/chaos.sh: 3 controllers and 3 brokers as processes on loopback, a
 * topic with replication factor 3 and {@code min.insync.replicas=2}, a {@link SequenceProducer}
 * (idempotent, {@code acks=all}) and a {@link VerifyingConsumer} running throughout, while a random
 * broker is SIGKILLed every gap.min.s–gap.max.s seconds and restarted after down.min.s–down.max.s.
 * At the end it prints records acknowledged, lost, duplicates, order violations and kills, and exits
 * 1 unless lost, duplicates, order violations and divergent reads are all 0.
 * <p>Usage: {@code ChaosRun WORK_DIR [kills=5] [gap.min.s=10] [gap.max.s=20] [down.min.s=1] [down.max.s=5]
 * [rate=300] [seed=...] [any.kafka.setting=value ...]}.
 */
public final class ChaosRun {
    static final String TOPIC = "chaos";
    static final int PARTITIONS = 3;
    private static final List<String> OPTIONS = List.of("kills", "gap.min.s", "gap.max.s", "down.min.s", "down.max.s",
            "rate", "seed");

    private ChaosRun() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("broker.session.timeout.ms", "2000");
        settings.put("broker.heartbeat.interval.ms", "300");
        settings.put("replica.lag.time.max.ms", "5000");
        settings.put("leader.imbalance.check.interval.seconds", "5");
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            (OPTIONS.contains(kv[0]) ? opts : settings).put(kv[0], kv[1]);
        }
        int kills = Integer.parseInt(opts.getOrDefault("kills", "5"));
        double gapMin = Double.parseDouble(opts.getOrDefault("gap.min.s", "10"));
        double gapMax = Double.parseDouble(opts.getOrDefault("gap.max.s", "20"));
        double downMin = Double.parseDouble(opts.getOrDefault("down.min.s", "1"));
        double downMax = Double.parseDouble(opts.getOrDefault("down.max.s", "5"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "300"));
        long seed = Long.parseLong(opts.getOrDefault("seed", Long.toString(System.nanoTime())));
        Random random = new Random(seed);
        System.out.printf("chaos: kills=%d gap=%.1f-%.1fs down=%.1f-%.1fs rate=%d/s seed=%d settings=%s%n",
                kills, gapMin, gapMax, downMin, downMax, rate, seed, settings);

        Files.createDirectories(work);
        long t0 = System.nanoTime();
        boolean ok;
        try (ClusterProcesses cluster = ClusterProcesses.kraft(work, 3, 3, settings)) {
            try {
                ok = run(cluster, kills, gapMin, gapMax, downMin, downMax, rate, random, t0);
            } catch (Exception | AssertionError e) {
                System.err.println(cluster.logTails());
                throw e;
            }
            if (!ok) {
                System.err.println(cluster.logTails());
            }
        }
        // After the nodes are gone (close waits for them): the kafka clients' threads would keep the JVM up.
        System.exit(ok ? 0 : 1);
    }

    private static boolean run(ClusterProcesses cluster, int kills, double gapMin, double gapMax, double downMin,
                               double downMax, int rate, Random random, long t0) throws Exception {
        cluster.start(Duration.ofSeconds(90));
        try (Admin admin = cluster.admin(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2")))).all().get(60, TimeUnit.SECONDS);
        }
        String bootstrap = cluster.bootstrapServers();
        try (SequenceProducer producer = new SequenceProducer(bootstrap, TOPIC, PARTITIONS, rate);
             VerifyingConsumer consumer = new VerifyingConsumer(bootstrap, TOPIC, PARTITIONS)) {
            ConsumerLoop loop = new ConsumerLoop(consumer).start();
            producer.start();
            for (int k = 1; k <= kills; k++) {
                pause(seconds(random, gapMin, gapMax));
                ClusterProcesses.Node victim = cluster.brokers().get(random.nextInt(cluster.brokers().size()));
                long ackedBefore = producer.acknowledged().size();
                victim.process().kill();
                double down = seconds(random, downMin, downMax);
                pause(down);
                cluster.restart(victim, Duration.ofSeconds(90));
                System.out.printf("kill %d/%d: broker %d SIGKILLed at %.1fs, restarted after %.1fs down; acked %d (+%d since the kill)%n",
                        k, kills, victim.id(), elapsed(t0) - down, down, producer.acknowledged().size(),
                        producer.acknowledged().size() - ackedBefore);
            }
            // Some writes after the last restart, so the end of the run is not right after a kill.
            pause(Math.max(3, gapMin / 2));
            producer.finish();
            loop.stop();
            boolean caughtUp = consumer.readToEnd(Duration.ofSeconds(120));
            long lost = producer.acknowledged().stream().filter(n -> !consumer.hasRead(n)).count();
            System.out.printf("RESULT seconds=%.0f kills=%d sent=%d acknowledged=%d failed_sends=%d read=%d lost=%d "
                            + "duplicates=%d order_violations=%d divergent_reads=%d caught_up=%s%n",
                    elapsed(t0), kills, producer.sent(), producer.acknowledged().size(), producer.failed(),
                    consumer.records(), lost, consumer.duplicates(), consumer.orderViolations(),
                    consumer.divergentReads(), caughtUp);
            producer.someFailures().forEach(f -> System.out.println("failed send " + f));
            return caughtUp && lost == 0 && consumer.duplicates() == 0 && consumer.orderViolations() == 0
                    && consumer.divergentReads() == 0 && !producer.acknowledged().isEmpty();
        }
    }

    /** Polls the consumer on its own thread (a KafkaConsumer is single-threaded) until stopped. */
    private static final class ConsumerLoop {
        private final VerifyingConsumer consumer;
        private final Thread thread;
        private volatile boolean running = true;

        ConsumerLoop(VerifyingConsumer consumer) {
            this.consumer = consumer;
            this.thread = new Thread(() -> {
                while (running) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }, "verifying-consumer");
        }

        ConsumerLoop start() {
            thread.start();
            return this;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    private static double seconds(Random random, double min, double max) {
        return min + random.nextDouble() * (max - min);
    }

    /** The chaos schedule's own pacing between kills (not waiting for any state). */
    private static void pause(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }

    private static double elapsed(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
