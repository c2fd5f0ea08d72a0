package io.sluice.coordinator.txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of {@code __transaction_state} in Kafka's layout (TransactionLogKey and TransactionLogValue, version 0,
 * big-endian, non-flexible): key = int16 version, string transactional id; value = int16 version, int64 producer id,
 * int16 producer epoch, int32 timeout ms, int8 state, array of (string topic, array of int32 partition), int64 last
 * update timestamp, int64 start timestamp. Strings are int16 length + UTF-8, arrays int32 count.
 */
final class TransactionRecordSerde {
    private static final short VERSION = 0;

    private TransactionRecordSerde() {}

    static byte[] key(String transactionalId) {
        byte[] id = transactionalId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + id.length).putShort(VERSION).putShort((short) id.length).put(id).array();
    }

    static String readKey(byte[] key) {
        ByteBuffer buf = ByteBuffer.wrap(key);
        short version = buf.getShort();
        if (version != VERSION) {
            throw new IllegalArgumentException("Unknown transaction log key version " + version);
        }
        return readString(buf);
    }

    static byte[] value(TransactionMetadata m) {
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        for (TopicPartition tp : m.partitions()) {
            byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        int size = 2 + 8 + 2 + 4 + 1 + 4 + 8 + 8;
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            size += 2 + e.getKey().getBytes(StandardCharsets.UTF_8).length + 4 + 4 * e.getValue().size();
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        buf.putShort(VERSION).putLong(m.producerId()).putShort(m.producerEpoch()).putInt(m.timeoutMs())
                .put(m.state().id).putInt(byTopic.size());
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            byte[] topic = e.getKey().getBytes(StandardCharsets.UTF_8);
            buf.putShort((short) topic.length).put(topic).putInt(e.getValue().size());
            e.getValue().forEach(buf::putInt);
        }
        buf.putLong(m.lastUpdateTimestamp()).putLong(m.startTimestamp());
        return buf.array();
    }

    static TransactionMetadata readValue(String transactionalId, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        short version = buf.getShort();
        if (version != VERSION) {
            throw new IllegalArgumentException("Unknown transaction log value version " + version);
        }
        long producerId = buf.getLong();
        short epoch = buf.getShort();
        int timeoutMs = buf.getInt();
        TransactionState state = TransactionState.of(buf.get());
        int topics = buf.getInt();
        Set<TopicPartition> partitions = new HashSet<>();
        for (int i = 0; i < Math.max(0, topics); i++) {
            String topic = readString(buf);
            int n = buf.getInt();
            for (int j = 0; j < n; j++) {
                partitions.add(new TopicPartition(topic, buf.getInt()));
            }
        }
        long lastUpdate = buf.getLong();
        long start = buf.getLong();
        return new TransactionMetadata(transactionalId, producerId, epoch, timeoutMs, state, partitions, start, lastUpdate);
    }

    private static String readString(ByteBuffer buf) {
        byte[] bytes = new byte[buf.getShort()];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
