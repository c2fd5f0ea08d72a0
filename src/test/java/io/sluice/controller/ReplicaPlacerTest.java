package io.sluice.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.BrokerImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.junit.jupiter.api.Test;

class ReplicaPlacerTest {
    private static List<BrokerImage> brokers(int count, String... racks) {
        List<BrokerImage> brokers = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            brokers.add(new BrokerImage(id, List.of(), racks.length == 0 ? null : racks[(id - 1) % racks.length],
                    false));
        }
        return brokers;
    }

    @Test
    void spreadsLeadersAndReplicasEvenly() {
        List<List<Integer>> assignment = new ReplicaPlacer(new Random(7)).place(brokers(4), 0, 8, 3);
        Map<Integer, Integer> leaders = new HashMap<>();
        Map<Integer, Integer> replicas = new HashMap<>();
        for (List<Integer> partition : assignment) {
            assertEquals(3, new HashSet<>(partition).size(), "no broker twice in one partition: " + partition);
            leaders.merge(partition.get(0), 1, Integer::sum);
            partition.forEach(b -> replicas.merge(b, 1, Integer::sum));
        }
        assertEquals(Map.of(1, 2, 2, 2, 3, 2, 4, 2), leaders);
        assertEquals(Map.of(1, 6, 2, 6, 3, 6, 4, 6), replicas);
    }

    @Test
    void startIndexVariesBetweenTopics() {
        ReplicaPlacer placer = new ReplicaPlacer(new Random(1));
        Set<Integer> firstLeaders = new HashSet<>();
        for (int topic = 0; topic < 20; topic++) {
            firstLeaders.add(placer.place(brokers(5), 0, 1, 1).get(0).get(0));
        }
        assertTrue(firstLeaders.size() > 1, "partition 0 of every topic led by the same broker: " + firstLeaders);
    }

    @Test
    void rackAwarePlacementPutsEachReplicaOnADifferentRack() {
        List<BrokerImage> brokers = brokers(6, "a", "b", "c"); // 1,4 in a; 2,5 in b; 3,6 in c
        Map<Integer, String> rackOf = new HashMap<>();
        brokers.forEach(b -> rackOf.put(b.id(), b.rack()));
        for (int seed = 0; seed < 10; seed++) {
            for (List<Integer> partition : new ReplicaPlacer(new Random(seed)).place(brokers, 0, 12, 3)) {
                Set<String> racks = new HashSet<>();
                partition.forEach(b -> racks.add(rackOf.get(b)));
                assertEquals(3, racks.size(), "replicas " + partition + " share a rack");
            }
        }
    }

    @Test
    void fencedBrokersGetNothingAndTooFewBrokersAreRefused() {
        List<BrokerImage> brokers = new ArrayList<>(brokers(2));
        brokers.add(new BrokerImage(3, List.of(), null, true));
        for (List<Integer> partition : new ReplicaPlacer(new Random(3)).place(brokers, 0, 6, 2)) {
            assertTrue(!partition.contains(3), "fenced broker placed: " + partition);
        }
        InvalidReplicationFactorException e = assertThrows(InvalidReplicationFactorException.class,
                () -> new ReplicaPlacer(new Random()).place(brokers, 0, 1, 3));
        assertEquals("Replication factor: 3 larger than available brokers: 2.", e.getMessage());
    }
}
