package io.sluice.chaos;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the topic from the beginning while the chaos goes on, and checks what it reads against what
 * {@link SequenceProducer} writes: within a partition the numbers must rise along the offsets (an
 * order violation otherwise), each number must be read once (a duplicate otherwise), and an offset
 * read once must never come back with another number (a divergent read: data a consumer saw was
 * truncated away). Data below the high watermark is committed, so none of these may ever happen.
 */
final class VerifyingConsumer implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final Map<TopicPartition, Long> lastNumber = new HashMap<>();
    private final Map<TopicPartition, Map<Long, Long>> numberAtOffset = new HashMap<>();
    private final Set<Long> seen = new HashSet<>();
    private long records;
    private long duplicates;
    private long orderViolations;
    private long divergentReads;

    VerifyingConsumer(String bootstrap, String topic, int partitionCount) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 5000);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.partitions = IntStream.range(0, partitionCount).mapToObj(i -> new TopicPartition(topic, i)).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** One poll: checks what it returns. */
    void poll(Duration timeout) {
        for (ConsumerRecord<String, String> r : consumer.poll(timeout)) {
            check(new TopicPartition(r.topic(), r.partition()), r.offset(), Long.parseLong(r.value()));
        }
    }

    private void check(TopicPartition tp, long offset, long number) {
        records++;
        Long before = numberAtOffset.computeIfAbsent(tp, k -> new HashMap<>()).put(offset, number);
        if (before != null) {
            // The consumer re-reads an offset only after a reset, which itself means divergence.
            if (before != number) {
                divergentReads++;
            }
            return;
        }
        if (!seen.add(number)) {
            duplicates++;
        }
        Long last = lastNumber.put(tp, number);
        if (last != null && number <= last) {
            orderViolations++;
        }
    }

    /**
     * Polls until the consumer's position reaches the end of every partition (as the brokers
     * answer it now: the high watermark); false when the deadline passes first.
     */
    boolean readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> end = null;
        while (System.nanoTime() < deadline) {
            try {
                if (end == null) {
                    end = consumer.endOffsets(partitions, Duration.ofSeconds(5));
                }
                Map<TopicPartition, Long> target = end;
                if (partitions.stream().allMatch(tp -> consumer.position(tp, Duration.ofSeconds(5)) >= target.get(tp))) {
                    return true;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // a broker still starting: ask again until the deadline
            }
            poll(Duration.ofMillis(200));
        }
        return false;
    }

    boolean hasRead(long number) {
        return seen.contains(number);
    }

    long records() {
        return records;
    }

    long duplicates() {
        return duplicates;
    }

    long orderViolations() {
        return orderViolations;
    }

    long divergentReads() {
        return divergentReads;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
