package io.sluice.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice consume}: records of a topic to stdout, formatted as kafka-console-consumer does.
 * Without {@code --group} it reads by assignment (no consumer group, nothing committed): one
 * partition with {@code --partition}, else every partition the topic has at start.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Print the records of a topic on standard output.",
                "Output is kafka-console-consumer's: --property print.timestamp|print.partition|print.offset|",
                "print.headers|print.key|print.value=true|false, key.separator (TAB), line.separator,",
                "headers.separator (','), null.literal ('null'). A summary goes to stderr at the end."})
public class ConsumeCommand implements Callable<Integer> {
    private final Io io;
    /** Counted down when the command is done, so a Ctrl-C hook waits for the final commit and summary. */
    private final CountDownLatch finished = new CountDownLatch(1);
    private long printed;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, description = "The topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset (with --group: when the group has no committed offset).")
    boolean fromBeginning;

    @Option(names = "--partition", description = "Read only this partition.")
    Integer partition;

    @Option(names = "--offset", paramLabel = "earliest|latest|<n>",
            description = "Where to start in --partition: earliest, latest (default) or an offset.")
    String offset;

    @Option(names = "--group", description = "Read as a member of this consumer group, committing what was printed.")
    String group;

    @Option(names = "--max-messages", description = "Exit after printing this many records.")
    Long maxMessages;

    @Option(names = "--timeout-ms", description = "Exit when no record arrives for this long.")
    Long timeoutMs;

    @Option(names = "--property", paramLabel = "<key=value>", description = "An output formatting property; repeatable.")
    List<String> properties;

    @Option(names = "--consumer-property", paramLabel = "<key=value>", description = "A consumer config; repeatable.")
    List<String> consumerProperties;

    public ConsumeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        checkOptions();
        RecordFormatter formatter = new RecordFormatter(KeyValues.parse(properties, "--property"));
        try {
            return consume(formatter);
        } finally {
            finished.countDown();
        }
    }

    private int consume(RecordFormatter formatter) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            Thread hook = stopOnShutdown(consumer);
            try {
                start(consumer);
                loop(consumer, formatter);
            } catch (WakeupException e) {
                // Ctrl-C: stop quietly after what was printed.
            } catch (UnsupportedVersionException e) {
                if (group != null) {
                    throw new CliException("the broker does not support consumer groups yet (" + e.getMessage()
                            + "); consume without --group, e.g. with --partition");
                }
                throw e;
            } finally {
                removeHook(hook);
            }
        }
        io.err().println("Processed a total of " + printed + " messages");
        return 0;
    }

    private void checkOptions() {
        if (group != null && (partition != null || offset != null)) {
            throw new ParameterException(spec.commandLine(), "--group cannot be combined with --partition or --offset");
        }
        if (offset != null && partition == null) {
            throw new ParameterException(spec.commandLine(), "--offset needs --partition");
        }
        if (offset != null && fromBeginning) {
            throw new ParameterException(spec.commandLine(), "--from-beginning and --offset cannot be specified together");
        }
        if (offset != null && !offset.equals("earliest") && !offset.equals("latest")) {
            try {
                if (Long.parseLong(offset) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "--offset must be earliest, latest or a non-negative offset, not '" + offset + "'");
            }
        }
    }

    private void start(KafkaConsumer<byte[], byte[]> consumer) {
        if (group != null) {
            consumer.subscribe(List.of(topic));
            return;
        }
        List<TopicPartition> partitions;
        if (partition != null) {
            partitions = List.of(new TopicPartition(topic, partition));
        } else {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new CliException("Topic '" + topic + "' does not exist");
            }
            partitions = infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        }
        consumer.assign(partitions);
        String where = offset != null ? offset : fromBeginning ? "earliest" : "latest";
        switch (where) {
            case "earliest" -> consumer.seekToBeginning(partitions);
            case "latest" -> consumer.seekToEnd(partitions);
            default -> consumer.seek(partitions.get(0), Long.parseLong(where));
        }
    }

    /** Prints until --max-messages, --timeout-ms of silence, or a wakeup. */
    private void loop(KafkaConsumer<byte[], byte[]> consumer, RecordFormatter formatter) {
        long idleSince = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
        try {
            while (maxMessages == null || printed < maxMessages) {
                long waitMs = 500;
                if (timeoutMs != null) {
                    long idleMs = (System.nanoTime() - idleSince) / 1_000_000;
                    if (idleMs >= timeoutMs) {
                        break;
                    }
                    waitMs = Math.min(waitMs, timeoutMs - idleMs);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(waitMs));
                if (records.isEmpty()) {
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    io.out().write(formatter.format(r));
                    toCommit.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    printed++;
                    if (maxMessages != null && printed >= maxMessages) {
                        break;
                    }
                }
                io.out().flush();
                commit(consumer, toCommit);
            }
        } finally {
            io.out().flush();
            commit(consumer, toCommit);
        }
    }

    /** Group mode commits exactly what was printed (not what was fetched), so --max-messages loses nothing. */
    private void commit(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (group != null && !offsets.isEmpty()) {
            consumer.commitSync(offsets);
            offsets.clear();
        }
    }

    private Properties consumerConfig() {
        Properties props = client.clientProperties();
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-consume");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // Reading must not create topics: a mistyped name is reported, not silently made.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        }
        props.putAll(KeyValues.parse(consumerProperties, "--consumer-property"));
        return props;
    }

    /** Ctrl-C wakes the consumer so that it commits and closes instead of dying mid-poll. */
    private Thread stopOnShutdown(KafkaConsumer<byte[], byte[]> consumer) {
        Thread hook = new Thread(() -> {
            consumer.wakeup();
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sluice-consume-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running.
        }
    }
}
