import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Time from a consumer subscribing with a fresh group to its first record, with the classic group
 * protocol and with KIP-848 (group.protocol=consumer), against any broker. Run as a source file:
 *   java -cp "KAFKA_LIBS/*" bench/src/JoinToFirstRecord.java BOOTSTRAP LABEL ROUNDS
 * Prints one line per protocol: JOIN label=.. protocol=.. ms_median=.. ms_all=a,b,c
 */
public class JoinToFirstRecord {
    private static final String TOPIC = "join-to-first-record";

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String label = args[1];
        int rounds = Integer.parseInt(args[2]);
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(common)) {
            if (!admin.listTopics().names().get().contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 4, (short) 1))).all().get();
            }
        }
        Properties producerProps = (Properties) common.clone();
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 4; i++) {
                p.send(new ProducerRecord<>(TOPIC, i, "k", "v" + i)).get();
            }
        }
        for (String protocol : List.of("classic", "consumer")) {
            timeToFirstRecord(common, protocol, "warm-" + protocol + "-" + System.nanoTime()); // class loading, offsets topic
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                times.add(timeToFirstRecord(common, protocol, "join-" + protocol + "-" + i + "-" + System.nanoTime()));
            }
            List<Long> sorted = new ArrayList<>(times);
            sorted.sort(null);
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2.0;
            System.out.println("JOIN label=" + label + " protocol=" + protocol + " ms_median=" + median + " ms_all="
                    + String.join(",", times.stream().map(String::valueOf).toList()));
        }
    }

    private static long timeToFirstRecord(Properties common, String protocol, String group) {
        Properties props = (Properties) common.clone();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long start = System.nanoTime();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(TOPIC));
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                if (!c.poll(Duration.ofMillis(10)).isEmpty()) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
        }
        throw new IllegalStateException("no record within 60 s for group " + group + " (" + protocol + ")");
    }
}
