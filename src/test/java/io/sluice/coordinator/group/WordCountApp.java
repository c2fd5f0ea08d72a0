package io.sluice.coordinator.group;

import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams word count that {@link StreamsWordCountTest} runs in a child JVM on Kafka's own
 * jars (kafka-streams 4.3.1 needs the kafka-clients of its version). groupBy writes through a repartition topic; count keeps an
 * in-memory store, so a new instance holds nothing locally and restores everything from the
 * changelog. SIGTERM closes the application cleanly (final commit, leave the group), then the JVM exits.
 *   WordCountApp BOOTSTRAP APPLICATION_ID STATE_DIR INPUT_TOPIC OUTPUT_TOPIC
 */
public final class WordCountApp {
    static final String STORE = "counts";

    private WordCountApp() {
    }

    static Topology topology(String input, String output) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
                .flatMapValues(line -> Arrays.asList(line.split(" ")))
                .groupBy((key, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
                .count(Materialized.as(Stores.inMemoryKeyValueStore(STORE)))
                .toStream()
                .to(output, Produced.with(Serdes.String(), Serdes.Long()));
        return builder.build();
    }

    public static void main(String[] args) throws InterruptedException {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        p.put(StreamsConfig.STATE_DIR_CONFIG, args[2]);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(topology(args[3], args[4]), p);
        CountDownLatch closed = new CountDownLatch(1);
        // State changes go to the app's log, which the test shows when the counts do not come.
        streams.setStateListener((now, before) -> System.out.println("word count " + before + " -> " + now));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Streams' consumers do not leave the group on close by default; without leaving, the next
            // instance's join would wait for this member's session to expire (45 s by default).
            streams.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
            closed.countDown();
        }));
        streams.start();
        closed.await();
    }
}
