package io.sluice.coordinator.group;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A real consumer polling on its own thread (KafkaConsumer is single-threaded), publishing what a
 * test waits on: its assignment after each poll and every record it got. It commits after each
 * non-empty poll, so a partition that moves resumes where the last owner stopped.
 */
final class PollingConsumer implements AutoCloseable {
    final List<String> received = Collections.synchronizedList(new ArrayList<>());
    volatile Set<TopicPartition> assignment = Set.of();
    final AtomicReference<Throwable> failure;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    PollingConsumer(KafkaConsumer<String, String> consumer, List<String> topics, AtomicReference<Throwable> failure) {
        this.consumer = consumer;
        this.failure = failure;
        this.thread = new Thread(() -> {
            try {
                consumer.subscribe(topics);
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    for (ConsumerRecord<String, String> r : records) {
                        received.add(r.value());
                    }
                    if (!records.isEmpty()) {
                        consumer.commitSync();
                    }
                    assignment = Set.copyOf(consumer.assignment());
                }
                consumer.close();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "polling-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops polling and leaves the group (close sends the leave heartbeat). */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
