package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.coordinator.group.ConsumerMember.Current;
import io.sluice.coordinator.group.ConsumerMember.MemberState;
import io.sluice.coordinator.group.ConsumerMember.Subscription;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The pure parts of KIP-848 groups: assignors, one reconciliation step, record round trips. */
class ConsumerGroupUnitsTest {
    private static final Uuid T = Uuid.randomUuid();

    private static Map<Uuid, SortedSet<Integer>> parts(int... ps) {
        SortedSet<Integer> s = new TreeSet<>();
        for (int p : ps) {
            s.add(p);
        }
        return TopicPartitions.copyOf(Map.of(T, s));
    }

    @Test
    void uniformIsBalancedAndSticky() {
        var first = new UniformAssignor().assign(Map.of("a", Set.of(T), "b", Set.of(T)), Map.of(T, 5), Map.of());
        assertEquals(5, TopicPartitions.size(first.get("a")) + TopicPartitions.size(first.get("b")));
        assertTrue(Math.abs(TopicPartitions.size(first.get("a")) - TopicPartitions.size(first.get("b"))) <= 1);
        var second = new UniformAssignor().assign(Map.of("a", Set.of(T), "b", Set.of(T), "c", Set.of(T)),
                Map.of(T, 5), first);
        Set<Integer> all = new HashSet<>();
        for (var m : List.of("a", "b", "c")) {
            int n = TopicPartitions.size(second.get(m));
            assertTrue(n == 1 || n == 2, m + " got " + n);
            all.addAll(second.get(m).getOrDefault(T, new TreeSet<>()));
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), all);
        // Stickiness: the old members keep a subset of what they had.
        assertTrue(first.get("a").get(T).containsAll(second.get("a").get(T)));
        assertTrue(first.get("b").get(T).containsAll(second.get("b").get(T)));
    }

    @Test
    void rangeGivesContiguousRanges() {
        var r = new RangeAssignor().assign(Map.of("a", Set.of(T), "b", Set.of(T)), Map.of(T, 5), Map.of());
        assertEquals(parts(0, 1, 2), r.get("a"));
        assertEquals(parts(3, 4), r.get("b"));
    }

    @Test
    void revocationComesBeforeTheNewEpochAndHeldPartitionsWait() {
        Current owning = new Current(3, 2, MemberState.STABLE, parts(0, 1), TopicPartitions.EMPTY);
        // Target moved partition 1 away: revoke first, epoch unchanged.
        Current revoking = MemberReconciler.next(owning, 4, parts(0), null, (t, p) -> false);
        assertEquals(MemberState.UNREVOKED_PARTITIONS, revoking.state());
        assertEquals(3, revoking.memberEpoch());
        assertEquals(parts(0), revoking.assigned());
        assertEquals(parts(1), revoking.pendingRevocation());
        // Still owning 1 (the client has not confirmed): no progress.
        assertEquals(revoking, MemberReconciler.next(revoking, 4, parts(0), parts(0, 1), (t, p) -> false));
        // Confirmed: the new epoch.
        Current done = MemberReconciler.next(revoking, 4, parts(0), parts(0), (t, p) -> false);
        assertEquals(new Current(4, 3, MemberState.STABLE, parts(0), TopicPartitions.EMPTY), done);

        // A joining member waits for the partition another member still holds.
        Current joining = MemberReconciler.next(Current.JOINING, 4, parts(1, 2), null, (t, p) -> p == 1);
        assertEquals(new Current(4, 0, MemberState.UNRELEASED_PARTITIONS, parts(2), TopicPartitions.EMPTY), joining);
        Current released = MemberReconciler.next(joining, 4, parts(1, 2), parts(2), (t, p) -> false);
        assertEquals(new Current(4, 0, MemberState.STABLE, parts(1, 2), TopicPartitions.EMPTY), released);
    }

    @Test
    void recordsRoundTrip() {
        Subscription s = new Subscription("inst", null, "client", "/127.0.0.1", 30000, List.of("a", "b"), "x.*", "range");
        assertEquals(s, ConsumerGroupRecordSerde.readSubscriptionValue(ConsumerGroupRecordSerde.subscriptionValue(s)));
        Current c = new Current(7, 6, MemberState.UNREVOKED_PARTITIONS, parts(0, 3), parts(5));
        assertEquals(c, ConsumerGroupRecordSerde.readCurrentValue(ConsumerGroupRecordSerde.currentValue(c)));
        assertEquals(parts(1, 2), ConsumerGroupRecordSerde.readTargetValue(ConsumerGroupRecordSerde.targetValue(parts(1, 2))));
        var key = GroupRecordSerde.readKey(ConsumerGroupRecordSerde.memberKey(ConsumerGroupRecordSerde.CURRENT_KEY, "g", "m"));
        assertEquals(new ConsumerGroupRecordSerde.MemberKey(ConsumerGroupRecordSerde.CURRENT_KEY, "g", "m"), key);
        assertEquals(new ConsumerGroupRecordSerde.GroupMetadataKey("g"),
                GroupRecordSerde.readKey(ConsumerGroupRecordSerde.groupMetadataKey("g")));
    }
}
