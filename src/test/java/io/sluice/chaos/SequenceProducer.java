package io.sluice.chaos;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An idempotent producer with {@code acks=all} that writes the numbers 0, 1, 2, ... as values, number n
 * to partition n mod P, at a fixed rate, and remembers which numbers the cluster acknowledged. With
 * idempotence the numbers of one partition must be stored in increasing order, once each.
 */
final class SequenceProducer implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int partitions;
    private final int recordsPerSecond;
    /** Concurrent: the verifier reads it while sends complete. */
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong failed = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private long sent;

    SequenceProducer(String bootstrap, String topic, int partitions, int recordsPerSecond) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        // Long enough to outlast a kill and restart: a record only fails after this much retrying.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.partitions = partitions;
        this.recordsPerSecond = recordsPerSecond;
        this.thread = new Thread(this::run, "sequence-producer");
    }

    SequenceProducer start() {
        thread.start();
        return this;
    }

    private void run() {
        long start = System.nanoTime();
        while (running) {
            long due = (System.nanoTime() - start) * recordsPerSecond / 1_000_000_000L;
            while (sent < due && running) {
                long n = sent++;
                producer.send(new ProducerRecord<>(topic, (int) (n % partitions), null, Long.toString(n)), (md, e) -> {
                    if (e == null) {
                        acknowledged.add(n);
                    } else {
                        failed.incrementAndGet();
                        if (failures.size() < 10) {
                            failures.add(n + ": " + e);
                        }
                    }
                });
            }
            try {
                Thread.sleep(2); // pacing to the rate, not synchronization
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops sending and waits until every send is acknowledged or has failed. */
    void finish() throws InterruptedException {
        running = false;
        thread.join();
        producer.flush();
    }

    long sent() {
        return sent;
    }

    Set<Long> acknowledged() {
        return acknowledged;
    }

    long failed() {
        return failed.get();
    }

    List<String> someFailures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        producer.close();
    }
}
