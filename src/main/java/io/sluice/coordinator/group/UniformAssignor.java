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
 * The default server assignor: spreads all subscribed partitions evenly over the members (counts
 * differ by at most one when everyone subscribes to the same topics) and keeps a partition with its
 * previous owner where the balance allows, so a rebalance moves as few partitions as it can.
 */
final class UniformAssignor implements PartitionAssignor {
    static final String NAME = "uniform";

    private record TP(Uuid topic, int partition) {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, SortedSet<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                            Map<Uuid, Integer> partitionCounts,
                                                            Map<String, Map<Uuid, SortedSet<Integer>>> previous) {
        List<String> members = new ArrayList<>(new TreeSet<>(subscriptions.keySet()));
        Map<String, List<TP>> result = new HashMap<>();
        members.forEach(m -> result.put(m, new ArrayList<>()));
        if (members.isEmpty()) {
            return Map.of();
        }
        // Every partition someone subscribes to, in a stable order.
        List<TP> all = new ArrayList<>();
        new TreeMap<>(partitionCounts).forEach((topic, count) -> {
            if (subscriptions.values().stream().anyMatch(s -> s.contains(topic))) {
                for (int p = 0; p < count; p++) {
                    all.add(new TP(topic, p));
                }
            }
        });
        int floor = all.size() / members.size();
        int extras = all.size() % members.size();
        Set<TP> taken = new java.util.HashSet<>();
        // 1. Stickiness: each member keeps up to the even share of what it had and still subscribes to.
        Map<String, List<TP>> leftovers = new HashMap<>();
        for (String m : members) {
            List<TP> kept = result.get(m);
            List<TP> rest = new ArrayList<>();
            previous.getOrDefault(m, Map.of()).forEach((topic, ps) -> {
                if (!subscriptions.get(m).contains(topic)) {
                    return;
                }
                for (int p : ps) {
                    TP tp = new TP(topic, p);
                    if (p >= partitionCounts.getOrDefault(topic, 0) || taken.contains(tp)) {
                        continue;
                    }
                    if (kept.size() < floor) {
                        kept.add(tp);
                        taken.add(tp);
                    } else {
                        rest.add(tp);
                    }
                }
            });
            leftovers.put(m, rest);
        }
        // 2. The remainder: some members may hold one more than the even share; let previous owners keep it.
        for (String m : members) {
            if (extras > 0 && result.get(m).size() == floor) {
                for (TP tp : leftovers.get(m)) {
                    if (!taken.contains(tp)) {
                        result.get(m).add(tp);
                        taken.add(tp);
                        extras--;
                        break;
                    }
                }
            }
        }
        // 3. The rest, one at a time, to the least loaded member that subscribes to its topic.
        for (TP tp : all) {
            if (taken.contains(tp)) {
                continue;
            }
            String best = null;
            for (String m : members) {
                if (subscriptions.get(m).contains(tp.topic())
                        && (best == null || result.get(m).size() < result.get(best).size())) {
                    best = m;
                }
            }
            if (best != null) {
                result.get(best).add(tp);
                taken.add(tp);
            }
        }
        Map<String, Map<Uuid, SortedSet<Integer>>> out = new HashMap<>();
        result.forEach((m, tps) -> {
            Map<Uuid, Set<Integer>> byTopic = new TreeMap<>();
            tps.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition()));
            out.put(m, TopicPartitions.copyOf(byTopic));
        });
        return out;
    }
}
