package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that pipelines many fetches and reads slowly cannot make the broker run ahead of it:
 * the broker processes a connection's next request only while little of its earlier responses is
 * still unsent, so the lead stays within what the socket buffers hold.
 */
class BackpressureTest {
    private static final short FETCH_VERSION = 12;
    private static final int REQUESTS = 300;
    private static final int VALUE_BYTES = 900_000;

    @TempDir
    Path data;

    @Test
    void aSlowReaderHoldsBackProcessingOfItsPipelinedRequests() throws Exception {
        try (TestBroker broker = new TestBroker(data).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                admin.createTopics(List.of(new NewTopic("big", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(broker.clientProps(),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("big", new byte[VALUE_BYTES])).get();
            }
            try (Socket socket = new Socket("127.0.0.1", broker.port())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < REQUESTS; i++) {
                    out.write(fetchRequest(i));
                }
                out.flush();
                long deadline = System.currentTimeMillis() + 30_000;
                while (fetchesProcessed(broker) < 3) {
                    assertTrue(System.currentTimeMillis() < deadline, "no fetch was processed");
                    Thread.onSpinWait();
                }
                DataInputStream in = new DataInputStream(socket.getInputStream());
                long maxLead = 0;
                for (int read = 0; read < REQUESTS; read++) {
                    maxLead = Math.max(maxLead, fetchesProcessed(broker) - read);
                    byte[] frame = new byte[in.readInt()];
                    in.readFully(frame);
                    assertEquals(read, ByteBuffer.wrap(frame).getInt(), "responses in request order");
                    assertTrue(frame.length > VALUE_BYTES, "each answer carries the record");
                }
                assertTrue(maxLead <= 40, "the broker ran " + maxLead + " responses ahead of a slow reader");
            }
        }
    }

    private static long fetchesProcessed(TestBroker broker) {
        return broker.meters().get("sluice.requests").tag("api", "Fetch").timer().count();
    }

    private static byte[] fetchRequest(int correlationId) {
        FetchRequestData body = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(2_000_000).setSessionId(0).setSessionEpoch(-1);
        body.topics().add(new FetchTopic().setTopic("big").setPartitions(List.of(new FetchPartition()
                .setPartition(0).setFetchOffset(0).setPartitionMaxBytes(2_000_000))));
        RequestHeader header = new RequestHeader(ApiKeys.FETCH, FETCH_VERSION, "slow-reader", correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.data().size(cache, header.headerVersion()) + body.size(cache, FETCH_VERSION);
        ByteBuffer buffer = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
        header.data().write(accessor, cache, header.headerVersion());
        body.write(accessor, cache, FETCH_VERSION);
        return buffer.array();
    }
}
