package io.sluice.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sluice produce}: stdin lines to a topic, parsed as kafka-console-producer parses them. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Send each line of standard input as a record to a topic.",
                "Keys and headers are parsed as kafka-console-producer does, e.g. --property parse.key=true",
                "(key.separator, default TAB), --property parse.headers=true (headers.delimiter TAB,",
                "headers.separator ',', headers.key.separator ':'), --property null.marker=<text>, ignore.error."})
public class ProduceCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, description = "The topic to produce to.")
    String topic;

    @Option(names = "--property", paramLabel = "<key=value>", description = "A line-parsing property; repeatable.")
    List<String> properties;

    @Option(names = "--producer-property", paramLabel = "<key=value>", description = "A producer config; repeatable.")
    List<String> producerProperties;

    @Option(names = "--acks", defaultValue = "all", description = "0, 1, or all/-1 (default: ${DEFAULT-VALUE}).")
    String acks;

    @Option(names = "--compression", defaultValue = "none",
            description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--progress-every", defaultValue = "100000", paramLabel = "<records>",
            description = "Print progress on stderr every this many records (and at most once a second otherwise; default: ${DEFAULT-VALUE}).")
    long progressEvery;

    public ProduceCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        LineRecordParser parser = new LineRecordParser(KeyValues.parse(properties, "--property"));
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        Progress progress = new Progress(io.err(), progressEvery,
                n -> "Sent " + n + " records to " + topic + " (" + acked.get() + " acknowledged)");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig());
             BufferedReader in = new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && failure.get() == null) {
                LineRecordParser.Parsed r = parser.parse(line, sent + 1);
                producer.send(new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers()), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acked.incrementAndGet();
                    }
                });
                progress.update(++sent);
            }
            producer.flush();
        }
        Exception e = failure.get();
        if (e != null) {
            throw new CliException("Failed to produce to " + topic + " (" + acked.get() + " of " + sent
                    + " records acknowledged): " + ErrorReporter.message(e), e);
        }
        io.err().println("Produced " + acked.get() + " records to " + topic + ".");
        return 0;
    }

    private Properties producerConfig() {
        Properties props = client.clientProperties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-produce");
        // The CLI's own settings win over --command-config; --producer-property wins over all.
        props.put(ProducerConfig.ACKS_CONFIG, acks.equals("-1") ? "all" : acks);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(KeyValues.parse(producerProperties, "--producer-property"));
        return props;
    }
}
