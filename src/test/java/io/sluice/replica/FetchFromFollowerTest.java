package io.sluice.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.sluice.client.BrokerConnection;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-392 with real kafka-clients: node 1 (rack-a) leads a partition replicated on all three nodes
 * (racks a, b, c) and replica.selector.class is Kafka's RackAwareReplicaSelector. A consumer in rack-b
 * is sent to the rack-b follower and reads everything there (read_committed too, aborted transactions left out);
 * one without client.rack, or in the leader's rack, reads from the leader.
 * Who served the records is told by each node's consumer bytes-out counter, which replication fetches
 * do not feed.
 */
class FetchFromFollowerTest {
    private static final String TOPIC = "racked";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final long WAIT_MS = 30_000;
    private static final int RECORDS = 200;
    private static final int LEADER = 1;
    private static final int RACK_B_FOLLOWER = 2;

    @TempDir
    Path dir;
    private ThreeNodeCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new ThreeNodeCluster(dir,
                Map.of("replica.selector.class", "org.apache.kafka.common.replica.RackAwareReplicaSelector",
                        "transaction.state.log.num.partitions", "1"),
                Map.of(1, Map.of("broker.rack", "rack-a"), 2, Map.of("broker.rack", "rack-b"),
                        3, Map.of("broker.rack", "rack-c"))).start();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Map.of(0, List.of(LEADER, RACK_B_FOLLOWER, 3)))))
                    .all().get();
        }
        ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.hosts(id, TP)
                && cluster.partition(id, TP).leaderId() == LEADER), WAIT_MS, "node 1 leading on all three nodes");
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i));
            }
            producer.flush();
        }
        // Every replica in sync and knowing the whole log as committed, so either may serve all of it.
        ThreeNodeCluster.await(() -> cluster.partition(LEADER, TP).state().isr().size() == 3
                && IntStream.rangeClosed(1, 3).allMatch(id -> cluster.partition(id, TP).highWatermark() == RECORDS),
                WAIT_MS, "all three replicas in sync at the high watermark " + RECORDS);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aConsumerInRackBReadsEverythingFromTheRackBFollower() throws Exception {
        assertEquals(List.of("rack-a", "rack-b", "rack-c"), IntStream.rangeClosed(1, 3)
                .mapToObj(id -> cluster.broker(id).parts().backend().image().brokers().get(id).rack()).toList());
        assertEquals(expectedValues(), readAll("rack-b"));
        assertTrue(bytesOut(RACK_B_FOLLOWER) > 0, "the rack-b follower served the records");
        assertEquals(0.0, bytesOut(LEADER), "the leader only pointed the consumer at its rack");
        assertEquals(0.0, bytesOut(3));
    }

    @Test
    void aConsumerWithoutARackReadsFromTheLeader() throws Exception {
        assertEquals(expectedValues(), readAll(null));
        assertTrue(bytesOut(LEADER) > 0, "the leader served the records");
        assertEquals(0.0, bytesOut(RACK_B_FOLLOWER));
        assertEquals(0.0, bytesOut(3));
    }

    @Test
    void aConsumerInTheLeadersRackReadsFromTheLeader() throws Exception {
        assertEquals(expectedValues(), readAll("rack-a"));
        assertTrue(bytesOut(LEADER) > 0, "the leader served the records");
        assertEquals(0.0, bytesOut(RACK_B_FOLLOWER));
        assertEquals(0.0, bytesOut(3));
    }

    /** The wire answers, with raw requests a client library would otherwise act on and hide. */
    @Test
    void theLeaderNamesTheRackReplicaAndAFollowerAnswersUpToItsHighWatermark() throws Exception {
        Partition follower = cluster.partition(3, TP);
        int epoch = follower.leaderEpoch();
        Uuid topicId = follower.topicId();
        try (BrokerConnection connection = new BrokerConnection("test", 5_000)) {
            InetSocketAddress leader = address(LEADER);
            FetchResponseData.PartitionData redirected = fetch(connection, leader, 17, 0, epoch, topicId, "rack-b");
            assertEquals(Errors.NONE.code(), redirected.errorCode());
            assertEquals(RACK_B_FOLLOWER, redirected.preferredReadReplica());
            assertEquals(0, redirected.records().sizeInBytes(), "no records with a preferred read replica");
            FetchResponseData.PartitionData sameRack = fetch(connection, leader, 17, 0, epoch, topicId, "rack-a");
            assertEquals(-1, sameRack.preferredReadReplica());
            assertTrue(sameRack.records().sizeInBytes() > 0);
            FetchResponseData.PartitionData noReplicaThere = fetch(connection, leader, 17, 0, epoch, topicId, "rack-d");
            assertEquals(-1, noReplicaThere.preferredReadReplica(), "no replica in rack-d: the leader answers");
            assertTrue(noReplicaThere.records().sizeInBytes() > 0);

            InetSocketAddress rackC = address(3);
            FetchResponseData.PartitionData fromStart = fetch(connection, rackC, 17, 0, epoch, topicId, "");
            assertEquals(Errors.NONE.code(), fromStart.errorCode());
            assertEquals(RECORDS, fromStart.highWatermark(), "the follower's high watermark, learnt from the leader");
            RecordBatch first = ((Records) fromStart.records()).batches().iterator().next();
            assertEquals(0, first.baseOffset());
            FetchResponseData.PartitionData atEnd = fetch(connection, rackC, 17, RECORDS, epoch, topicId, "");
            assertEquals(Errors.NONE.code(), atEnd.errorCode());
            assertEquals(0, atEnd.records().sizeInBytes());
            FetchResponseData.PartitionData beyond = fetch(connection, rackC, 17, RECORDS + 10, epoch, topicId, "");
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), beyond.errorCode());
            // Without a leader epoch the consumer may be on stale metadata: an empty answer to retry, as Kafka gives.
            FetchResponseData.PartitionData beyondNoEpoch = fetch(connection, rackC, 17, RECORDS + 10, -1, topicId, "");
            assertEquals(Errors.NONE.code(), beyondNoEpoch.errorCode());
            assertEquals(0, beyondNoEpoch.records().sizeInBytes());
            // Before v11 a consumer sends no client metadata: only the leader may answer it, as in Kafka.
            FetchResponseData.PartitionData oldClient = fetch(connection, rackC, 10, 0, epoch, topicId, null);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), oldClient.errorCode());

            ListOffsetsRequestData listOffsets = new ListOffsetsRequestData().setReplicaId(-1);
            listOffsets.topics().add(new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)
                            .setCurrentLeaderEpoch(epoch))));
            ListOffsetsResponseData offsets = (ListOffsetsResponseData) connection.send(rackC, ApiKeys.LIST_OFFSETS,
                    (short) 7, listOffsets, 10_000);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(),
                    offsets.topics().get(0).partitions().get(0).errorCode(), "ListOffsets stays with the leader");
        }
    }

    /** One consumer fetch of the partition from offset, by topic id from v13 on (by name before). */
    private static FetchResponseData.PartitionData fetch(BrokerConnection connection, InetSocketAddress address,
                                                         int version, long offset, int epoch, Uuid topicId,
                                                         String rack) throws Exception {
        FetchRequestData request = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setSessionEpoch(-1).setRackId(rack == null ? "" : rack);
        FetchRequestData.FetchTopic topic = version >= 13 ? new FetchRequestData.FetchTopic().setTopicId(topicId)
                : new FetchRequestData.FetchTopic().setTopic(TOPIC);
        request.topics().add(topic.setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0)
                .setFetchOffset(offset).setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(epoch))));
        FetchResponseData response = (FetchResponseData) connection.send(address, ApiKeys.FETCH, (short) version,
                request, 10_000);
        assertEquals(Errors.NONE.code(), response.errorCode());
        return response.responses().get(0).partitions().get(0);
    }

    private InetSocketAddress address(int node) {
        return new InetSocketAddress("127.0.0.1", cluster.broker(node).boundPort("PLAINTEXT"));
    }

    @Test
    void aReadCommittedConsumerInRackBSkipsAbortedTransactionsOnTheFollower() throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "racked-tx");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "a" + i, "aborted" + i));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "c" + i, "committed" + i));
            }
            producer.commitTransaction();
        }
        long end = cluster.partition(LEADER, TP).log().logEndOffset();
        ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.partition(id, TP)
                .lastStableOffset() == end), WAIT_MS, "every replica's last stable offset at the log end " + end);
        List<String> expected = new ArrayList<>(expectedValues());
        IntStream.range(0, 10).forEach(i -> expected.add("committed" + i));

        assertEquals(expected, readAll("rack-b", "read_committed", expected.size()));
        assertTrue(bytesOut(RACK_B_FOLLOWER) > 0, "the rack-b follower served the records");
        assertEquals(0.0, bytesOut(LEADER));
    }

    private List<String> readAll(String clientRack) throws InterruptedException {
        return readAll(clientRack, "read_uncommitted", RECORDS);
    }

    private List<String> readAll(String clientRack, String isolation, int count) throws InterruptedException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // Small fetches: the records take many round trips, all of which must go to the same broker.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1024");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        if (clientRack != null) {
            p.put(ConsumerConfig.CLIENT_RACK_CONFIG, clientRack);
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long deadline = System.currentTimeMillis() + WAIT_MS;
            long lastOffset = -1;
            while (values.size() < count && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertTrue(r.offset() > lastOffset, "offsets only grow");
                    lastOffset = r.offset();
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static List<String> expectedValues() {
        return IntStream.range(0, RECORDS).mapToObj(i -> "v" + i).toList();
    }

    private double bytesOut(int node) {
        Counter c = cluster.meters(node).find("sluice.topic.bytes.out").tag("topic", TOPIC).counter();
        return c == null ? 0.0 : c.count();
    }

    private KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }
}
