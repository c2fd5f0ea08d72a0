package io.sluice.coordinator.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.testing.RawKafkaClient;
import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction APIs' error codes, seen on the wire where a client library would hide them. */
class TransactionProtocolErrorsTest {
    private static final String ID = "raw-txn";
    @TempDir
    Path dir;

    private static InitProducerIdResponseData init(RawKafkaClient raw, int timeoutMs, long pid, short epoch) throws Exception {
        InitProducerIdResponse r = raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                .setTransactionalId(ID).setTransactionTimeoutMs(timeoutMs).setProducerId(pid).setProducerEpoch(epoch))
                .build((short) 5));
        return r.data();
    }

    private static Errors addPartitions(RawKafkaClient raw, long pid, short epoch, short version, TopicPartition tp)
            throws Exception {
        AddPartitionsToTxnResponse r = raw.send(AddPartitionsToTxnRequest.Builder.forClient(ID, pid, epoch, List.of(tp))
                .build(version));
        return r.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID).get(tp);
    }

    private static Errors endTxn(RawKafkaClient raw, long pid, short epoch, boolean commit) throws Exception {
        EndTxnResponse r = raw.send(new EndTxnRequest.Builder(new EndTxnRequestData().setTransactionalId(ID)
                .setProducerId(pid).setProducerEpoch(epoch).setCommitted(commit), false).build((short) 4));
        return r.error();
    }

    @Test
    void coordinatorAnswersWithKafkasErrors() throws Exception {
        try (TestBroker broker = new TestBroker(dir, Map.of("transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1", "transaction.state.log.num.partitions", "1",
                "transaction.max.timeout.ms", "60000")).start();
             Admin admin = Admin.create(broker.clientProps());
             RawKafkaClient raw = new RawKafkaClient("127.0.0.1", broker.port())) {
            admin.createTopics(List.of(new NewTopic("data", 1, (short) 1))).all().get();
            TopicPartition tp = new TopicPartition("data", 0);
            long deadline = System.currentTimeMillis() + 30_000;
            Errors found;
            do {
                FindCoordinatorResponse r = raw.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                        .setKeyType(CoordinatorType.TRANSACTION.id()).setCoordinatorKeys(List.of(ID))).build((short) 4));
                found = Errors.forCode(r.data().coordinators().get(0).errorCode());
            } while (found != Errors.NONE && System.currentTimeMillis() < deadline);
            assertEquals(Errors.NONE, found);

            assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT.code(), init(raw, 60_001, -1, (short) -1).errorCode());
            InitProducerIdResponseData first;
            do {
                first = init(raw, 10_000, -1, (short) -1); // the partition may still be loading
            } while (first.errorCode() != Errors.NONE.code() && System.currentTimeMillis() < deadline);
            assertEquals(Errors.NONE.code(), first.errorCode());
            long pid = first.producerId();
            short epoch = first.producerEpoch();

            assertEquals(Errors.INVALID_TXN_STATE, endTxn(raw, pid, epoch, true), "nothing to commit");
            assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING, addPartitions(raw, pid + 1, epoch, (short) 3, tp));
            assertEquals(Errors.PRODUCER_FENCED, addPartitions(raw, pid, (short) (epoch - 1), (short) 3, tp));
            assertEquals(Errors.INVALID_PRODUCER_EPOCH, addPartitions(raw, pid, (short) (epoch - 1), (short) 1, tp),
                    "versions before PRODUCER_FENCED existed");
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, addPartitions(raw, pid, epoch, (short) 3,
                    new TopicPartition("no-such-topic", 0)));
            assertEquals(Errors.NONE, addPartitions(raw, pid, epoch, (short) 3, tp));
            assertEquals(Errors.NONE, endTxn(raw, pid, epoch, false));
            assertEquals(Errors.NONE, endTxn(raw, pid, epoch, false), "a retried abort");
            assertEquals(Errors.INVALID_TXN_STATE, endTxn(raw, pid, epoch, true), "commit after abort");

            assertEquals(Errors.PRODUCER_FENCED.code(), init(raw, 10_000, pid, (short) (epoch + 5)).errorCode(),
                    "KIP-360: an epoch the coordinator never gave");
            InitProducerIdResponseData bumped = init(raw, 10_000, pid, epoch);
            assertEquals(Errors.NONE.code(), bumped.errorCode());
            assertEquals(pid, bumped.producerId());
            assertEquals(epoch + 1, bumped.producerEpoch());
            assertEquals(Errors.PRODUCER_FENCED, endTxn(raw, pid, epoch, false), "the old epoch is fenced");
        }
    }
}
