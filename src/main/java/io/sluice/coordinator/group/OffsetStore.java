package io.sluice.coordinator.group;

import io.sluice.coordinator.group.GroupRecordSerde.OffsetValue;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/** The committed offsets of one coordinator partition's groups. */
final class OffsetStore {
    private final Map<String, Map<TopicPartition, OffsetValue>> byGroup = new HashMap<>();

    void put(String group, TopicPartition tp, OffsetValue value) {
        byGroup.computeIfAbsent(group, g -> new HashMap<>()).put(tp, value);
    }

    void remove(String group, TopicPartition tp) {
        Map<TopicPartition, OffsetValue> offsets = byGroup.get(group);
        if (offsets != null) {
            offsets.remove(tp);
            if (offsets.isEmpty()) {
                byGroup.remove(group);
            }
        }
    }

    void removeGroup(String group) {
        byGroup.remove(group);
    }

    OffsetValue get(String group, TopicPartition tp) {
        Map<TopicPartition, OffsetValue> offsets = byGroup.get(group);
        return offsets == null ? null : offsets.get(tp);
    }

    /** A group's offsets, ordered by topic then partition. */
    Map<TopicPartition, OffsetValue> all(String group) {
        TreeMap<TopicPartition, OffsetValue> sorted = new TreeMap<>(
                (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        sorted.putAll(byGroup.getOrDefault(group, Map.of()));
        return sorted;
    }

    boolean hasOffsets(String group) {
        return byGroup.containsKey(group);
    }
}
