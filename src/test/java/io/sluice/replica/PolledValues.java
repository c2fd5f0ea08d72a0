package io.sluice.replica;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The values a consumer polls until it has {@code expected} of them or the time is up (then fewer). */
final class PolledValues {
    private PolledValues() {
    }

    static List<String> poll(KafkaConsumer<String, String> consumer, int expected, long waitMs) {
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + waitMs;
        while (out.size() < expected && System.currentTimeMillis() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                out.add(r.value());
            }
        }
        return out;
    }
}
