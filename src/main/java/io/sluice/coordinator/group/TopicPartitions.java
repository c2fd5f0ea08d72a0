package io.sluice.coordinator.group;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Set arithmetic on assignments keyed by topic id, the shape KIP-848 speaks in. Every result is a
 * fresh sorted, unmodifiable map without empty topics, so two equal assignments compare equal.
 */
final class TopicPartitions {
    static final Map<Uuid, SortedSet<Integer>> EMPTY = Map.of();

    private TopicPartitions() {}

    static Map<Uuid, SortedSet<Integer>> copyOf(Map<Uuid, ? extends Set<Integer>> in) {
        TreeMap<Uuid, SortedSet<Integer>> out = new TreeMap<>();
        in.forEach((topic, partitions) -> {
            if (!partitions.isEmpty()) {
                out.put(topic, Collections.unmodifiableSortedSet(new TreeSet<>(partitions)));
            }
        });
        return Collections.unmodifiableSortedMap(out);
    }

    static Map<Uuid, SortedSet<Integer>> union(Map<Uuid, ? extends Set<Integer>> a, Map<Uuid, ? extends Set<Integer>> b) {
        TreeMap<Uuid, Set<Integer>> out = new TreeMap<>();
        a.forEach((t, ps) -> out.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        b.forEach((t, ps) -> out.computeIfAbsent(t, k -> new TreeSet<>()).addAll(ps));
        return copyOf(out);
    }

    static Map<Uuid, SortedSet<Integer>> minus(Map<Uuid, ? extends Set<Integer>> a, Map<Uuid, ? extends Set<Integer>> b) {
        TreeMap<Uuid, Set<Integer>> out = new TreeMap<>();
        a.forEach((t, ps) -> {
            Set<Integer> rest = new TreeSet<>(ps);
            Set<Integer> other = b.get(t);
            if (other != null) {
                rest.removeAll(other);
            }
            out.put(t, rest);
        });
        return copyOf(out);
    }

    static Map<Uuid, SortedSet<Integer>> intersect(Map<Uuid, ? extends Set<Integer>> a, Map<Uuid, ? extends Set<Integer>> b) {
        TreeMap<Uuid, Set<Integer>> out = new TreeMap<>();
        a.forEach((t, ps) -> {
            Set<Integer> both = new TreeSet<>(ps);
            Set<Integer> other = b.get(t);
            both.retainAll(other == null ? Set.of() : other);
            out.put(t, both);
        });
        return copyOf(out);
    }

    static boolean overlaps(Map<Uuid, ? extends Set<Integer>> a, Map<Uuid, ? extends Set<Integer>> b) {
        return !intersect(a, b).isEmpty();
    }

    static boolean contains(Map<Uuid, ? extends Set<Integer>> a, Uuid topic, int partition) {
        Set<Integer> ps = a.get(topic);
        return ps != null && ps.contains(partition);
    }

    static int size(Map<Uuid, ? extends Set<Integer>> a) {
        return a.values().stream().mapToInt(Set::size).sum();
    }
}
