package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch parked on an empty partition (fetch.max.wait.ms far away) is woken by the append, not by
 * its timeout: the record arrives while the fetch would otherwise still be waiting.
 */
class LongPollTest {
    private static final int MAX_WAIT_MS = 60_000;

    @TempDir
    Path data;

    @Test
    void anAppendWakesAParkedFetch() throws Exception {
        try (TestBroker broker = new TestBroker(data).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                admin.createTopics(List.of(new NewTopic("quiet", 1, (short) 1))).all().get();
            }
            Properties c = broker.clientProps();
            c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(MAX_WAIT_MS));
            c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(MAX_WAIT_MS + 30_000));
            // Completed as soon as poll returns the record: closing the consumer afterwards waits for
            // its next parked fetch, which must not count as delivery time.
            CompletableFuture<List<ConsumerRecord<String, String>>> received = new CompletableFuture<>();
            CompletableFuture.runAsync(() -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                    consumer.assign(List.of(new TopicPartition("quiet", 0)));
                    List<ConsumerRecord<String, String>> out = new ArrayList<>();
                    long deadline = System.currentTimeMillis() + MAX_WAIT_MS;
                    while (out.isEmpty() && System.currentTimeMillis() < deadline) {
                        consumer.poll(Duration.ofMillis(MAX_WAIT_MS)).forEach(out::add);
                    }
                    received.complete(out);
                    consumer.close(Duration.ZERO);
                } catch (RuntimeException e) {
                    received.completeExceptionally(e);
                }
            });
            long deadline = System.currentTimeMillis() + 20_000;
            while (broker.meters().get("sluice.fetch.delayed").gauge().value() < 1) {
                assertTrue(System.currentTimeMillis() < deadline, "the consumer's fetch never parked");
                Thread.onSpinWait();
            }
            long sentAt = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(broker.clientProps(),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("quiet", "k", "wake up")).get();
            }
            List<ConsumerRecord<String, String>> records = received.get(MAX_WAIT_MS / 2, TimeUnit.MILLISECONDS);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            assertEquals("wake up", records.get(0).value());
            assertTrue(waitedMs < MAX_WAIT_MS / 2, "woken by the append after " + waitedMs + " ms, not by the timeout");
        }
    }
}
