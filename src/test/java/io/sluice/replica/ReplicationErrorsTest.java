package io.sluice.replica;

import io.sluice.client.BrokerConnection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.ProtoIds;
import io.sluice.metadata.proto.BrokerIdList;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.PartitionChangeRecord;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answers replication gives on the wire, checked with raw requests (a client library would retry
 * and hide them): acks=all timing out while an in-sync follower is down, NOT_ENOUGH_REPLICAS_AFTER_APPEND
 * when the ISR shrinks under a waiting produce, NOT_ENOUGH_REPLICAS before the append, and KIP-951's
 * current leader and endpoint on NOT_LEADER_OR_FOLLOWER.
 */
class ReplicationErrorsTest {
    private static final String TOPIC = "guarded";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final long WAIT_MS = 20_000;
    private static final short PRODUCE_VERSION = 12;

    @TempDir
    Path dir;
    private ThreeNodeCluster cluster;
    private int leader;

    @BeforeEach
    void start() throws Exception {
        // A stopped follower must stay in the ISR until the test moves it: no controlled shutdown (which would
        // shrink it out at once) and a session the test never outlasts (no fencing either).
        cluster = new ThreeNodeCluster(dir, Map.of("controlled.shutdown.enable", "false",
                "broker.session.timeout.ms", "120000", "replica.lag.time.max.ms", "120000")).start();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("min.insync.replicas", "3"))))
                    .all().get();
        }
        ThreeNodeCluster.await(() -> IntStream.rangeClosed(1, 3).allMatch(id -> cluster.hosts(id, TP)
                && cluster.partition(id, TP).leaderId() >= 0), WAIT_MS, "the partition on all three nodes");
        leader = cluster.partition(1, TP).leaderId();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void acksAllTimesOutThenFailsAfterAppendWhenTheIsrShrinksThenRefusesBeforeAppending() throws Exception {
        int controller = cluster.activeController().nodeId();
        int down = IntStream.rangeClosed(1, 3).filter(id -> id != leader && id != controller).findFirst().orElseThrow();
        int up = 6 - leader - down;
        cluster.stop(down);
        Partition leaderPartition = cluster.partition(leader, TP);

        // The stopped follower is still in the ISR: the high watermark cannot pass the batch.
        ProduceResponseData.PartitionProduceResponse timedOut = produce(500, "late").get();
        assertEquals(Errors.REQUEST_TIMED_OUT.code(), timedOut.errorCode());
        assertEquals(0, timedOut.baseOffset(), "the batch was appended before the wait");

        CompletableFuture<ProduceResponseData.PartitionProduceResponse> waiting = produce(30_000, "waiting");
        ThreeNodeCluster.await(() -> leaderPartition.log().logEndOffset() == 2
                && cluster.partition(up, TP).log().logEndOffset() == 2, WAIT_MS, "the batch on the leader and the live follower");
        assertFalse(waiting.isDone());
        // The controller drops the stopped follower from the ISR (as after replica.lag.time.max.ms): the high
        // watermark passes the batch, but on fewer replicas than min.insync.replicas=3.
        changeIsr(List.of(leader, up));
        assertEquals(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code(), waiting.get().errorCode());

        ProduceResponseData.PartitionProduceResponse refused = produce(30_000, "refused").get();
        assertEquals(Errors.NOT_ENOUGH_REPLICAS.code(), refused.errorCode());
        assertEquals(2, leaderPartition.log().logEndOffset(), "nothing appended when the ISR is too small");
    }

    @Test
    void produceAndFetchToAFollowerNameTheCurrentLeaderAndItsEndpoint() throws Exception {
        int follower = leader == 1 ? 2 : 1;
        int leaderPort = cluster.broker(leader).boundPort("PLAINTEXT");
        int epoch = cluster.partition(leader, TP).leaderEpoch();
        Uuid topicId = cluster.partition(leader, TP).topicId();
        try (BrokerConnection connection = new BrokerConnection("test", 5_000)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", cluster.broker(follower).boundPort("PLAINTEXT"));

            ProduceResponseData produced = (ProduceResponseData) connection.send(address, ApiKeys.PRODUCE, PRODUCE_VERSION,
                    produceRequest(1, 5_000, "misrouted"), 10_000);
            ProduceResponseData.PartitionProduceResponse p = produced.responses().iterator().next().partitionResponses().get(0);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), p.errorCode());
            assertEquals(leader, p.currentLeader().leaderId());
            assertEquals(epoch, p.currentLeader().leaderEpoch());
            assertEquals(leaderPort, produced.nodeEndpoints().find(leader).port());

            // A replica fetch: a follower serves consumers (KIP-392) but never feeds another follower.
            int otherFollower = 6 - leader - follower;
            FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                    .setSessionEpoch(-1).setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(otherFollower));
            fetch.topics().add(new FetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                    new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20)
                            .setCurrentLeaderEpoch(epoch))));
            FetchResponseData fetched = (FetchResponseData) connection.send(address, ApiKeys.FETCH, (short) 17, fetch, 10_000);
            FetchResponseData.PartitionData f = fetched.responses().get(0).partitions().get(0);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(), f.errorCode());
            assertEquals(leader, f.currentLeader().leaderId());
            assertEquals(epoch, f.currentLeader().leaderEpoch());
            assertEquals(leaderPort, fetched.nodeEndpoints().find(leader).port());
        }
    }

    /** Sends one acks=all produce to the leader on its own connection and thread. */
    private CompletableFuture<ProduceResponseData.PartitionProduceResponse> produce(int timeoutMs, String value) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", cluster.broker(leader).boundPort("PLAINTEXT"));
        return CompletableFuture.supplyAsync(() -> {
            try (BrokerConnection connection = new BrokerConnection("test", 5_000)) {
                ProduceResponseData response = (ProduceResponseData) connection.send(address, ApiKeys.PRODUCE,
                        PRODUCE_VERSION, produceRequest(-1, timeoutMs, value), timeoutMs + 10_000);
                return response.responses().iterator().next().partitionResponses().get(0);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static ProduceRequestData produceRequest(int acks, int timeoutMs, String value) {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) acks).setTimeoutMs(timeoutMs);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(value.getBytes()))));
        request.topicData().add(topic);
        return request;
    }

    /** What the controller writes when it accepts an ISR change. */
    private void changeIsr(List<Integer> isr) throws Exception {
        var backend = cluster.activeController().parts().backend();
        Uuid topicId = backend.image().topic(TOPIC).orElseThrow().id();
        PartitionImage current = backend.image().topic(TOPIC).orElseThrow().partitions().get(0);
        assertTrue(current.isr().containsAll(isr));
        backend.write(List.of(MetadataRecord.newBuilder().setPartitionChange(PartitionChangeRecord.newBuilder()
                .setTopicId(ProtoIds.toProto(topicId)).setPartition(0)
                .setIsr(BrokerIdList.newBuilder().addAllIds(isr))).build())).get();
    }
}
