package io.sluice.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The "range" server assignor: per topic, its subscribers in member-id order each take one
 * contiguous range of partitions, the first ones one extra while the division leaves a remainder.
 * Members subscribed to the same topics get the same partition numbers of each, which co-partitioned
 * topics rely on.
 */
final class RangeAssignor implements PartitionAssignor {
    static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, SortedSet<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                            Map<Uuid, Integer> partitionCounts,
                                                            Map<String, Map<Uuid, SortedSet<Integer>>> previous) {
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new TreeMap<>()));
        partitionCounts.forEach((topic, count) -> {
            List<String> subscribers = new ArrayList<>(new TreeSet<>(subscriptions.keySet()));
            subscribers.removeIf(m -> !subscriptions.get(m).contains(topic));
            if (subscribers.isEmpty()) {
                return;
            }
            int share = count / subscribers.size();
            int extra = count % subscribers.size();
            int next = 0;
            for (int i = 0; i < subscribers.size(); i++) {
                int n = share + (i < extra ? 1 : 0);
                Set<Integer> range = new TreeSet<>();
                for (int p = next; p < next + n; p++) {
                    range.add(p);
                }
                next += n;
                result.get(subscribers.get(i)).put(topic, range);
            }
        });
        Map<String, Map<Uuid, SortedSet<Integer>>> out = new HashMap<>();
        result.forEach((m, a) -> out.put(m, TopicPartitions.copyOf(a)));
        return out;
    }
}
