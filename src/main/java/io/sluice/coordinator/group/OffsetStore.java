package io.sluice.coordinator.group;

import io.sluice.coordinator.group.GroupRecordSerde.OffsetValue;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The committed offsets of one coordinator partition's groups. Once the partition is loaded it also
 * keeps the lag gauges in step with them (not while replaying: a load that fails must leave none behind).
 */
final class OffsetStore {
    private final Map<String, Map<TopicPartition, OffsetValue>> byGroup = new HashMap<>();
    private final ConsumerLagMetrics lag;
    private boolean reporting;

    OffsetStore(ConsumerLagMetrics lag) {
        this.lag = lag;
    }

    /** From now on every offset here has a lag gauge: after the load, when the partition serves. */
    void startReporting() {
        reporting = true;
        byGroup.forEach((group, offsets) -> offsets.forEach((tp, v) -> lag.committed(this, group, tp, v.offset())));
    }

    /** The partition unloaded: its groups' gauges go (the next coordinator reports them). */
    void stopReporting() {
        if (reporting) {
            byGroup.forEach((group, offsets) -> offsets.keySet().forEach(tp -> lag.forgotten(this, group, tp)));
            reporting = false;
        }
    }

    void put(String group, TopicPartition tp, OffsetValue value) {
        byGroup.computeIfAbsent(group, g -> new HashMap<>()).put(tp, value);
        if (reporting) {
            lag.committed(this, group, tp, value.offset());
        }
    }

    void remove(String group, TopicPartition tp) {
        Map<TopicPartition, OffsetValue> offsets = byGroup.get(group);
        if (offsets != null && offsets.remove(tp) != null) {
            if (offsets.isEmpty()) {
                byGroup.remove(group);
            }
            if (reporting) {
                lag.forgotten(this, group, tp);
            }
        }
    }

    void removeGroup(String group) {
        Map<TopicPartition, OffsetValue> offsets = byGroup.remove(group);
        if (offsets != null && reporting) {
            offsets.keySet().forEach(tp -> lag.forgotten(this, group, tp));
        }
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
