package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.testing.TestBroker;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Produce requests whose batches are damaged on the wire get Kafka's error for the partition,
 * nothing of them reaches the log, and the connection keeps working for the next request.
 */
class CorruptProduceTest {
    private static final short VERSION = 9;

    @TempDir
    Path data;

    @Test
    void corruptCrcOversizedAndEmptyBatchesAreRejectedAndNothingIsAppended() throws Exception {
        try (TestBroker broker = new TestBroker(data).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                admin.createTopics(List.of(new NewTopic("guarded", 1, (short) 1)
                        .configs(java.util.Map.of("max.message.bytes", "2000")))).all().get();
            }
            try (Socket socket = new Socket("127.0.0.1", broker.port())) {
                socket.setSoTimeout(10_000);
                PartitionProduceResponse corrupt = produce(socket, 1, batch(10, 100, b -> b.put(b.limit() - 3, (byte) ~b.get(b.limit() - 3))));
                assertEquals(Errors.CORRUPT_MESSAGE.code(), corrupt.errorCode(), "flipped payload byte");

                PartitionProduceResponse tooLarge = produce(socket, 2, batch(1, 5000, b -> { }));
                assertEquals(Errors.MESSAGE_TOO_LARGE.code(), tooLarge.errorCode(), "batch above max.message.bytes");

                PartitionProduceResponse good = produce(socket, 3, batch(3, 10, b -> { }));
                assertEquals(Errors.NONE.code(), good.errorCode());
                assertEquals(0, good.baseOffset(), "rejected batches took no offsets");
            }
            assertEquals(3, ProduceFetchEndToEndTest.consume(broker, "guarded", 1, 3).size());
        }
    }

    private static MemoryRecords batch(int count, int valueSize, Consumer<ByteBuffer> damage) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(), new byte[valueSize]);
        }
        MemoryRecords built = MemoryRecords.withRecords(Compression.NONE, records);
        ByteBuffer buffer = built.buffer().duplicate();
        damage.accept(buffer);
        return MemoryRecords.readableRecords(buffer);
    }

    private static PartitionProduceResponse produce(Socket socket, int correlationId, MemoryRecords records) throws Exception {
        TopicProduceDataCollection topics = new TopicProduceDataCollection();
        topics.add(new TopicProduceData().setName("guarded").setPartitionData(List.of(
                new PartitionProduceData().setIndex(0).setRecords(records))));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000).setTopicData(topics);
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, VERSION, "corrupt-test", correlationId);
        ByteBuffer request = ProduceRequest.builder(data, true).build(VERSION).serializeWithHeader(header);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(request.remaining());
        out.write(request.array(), request.arrayOffset() + request.position(), request.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(payload), header);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }
}
