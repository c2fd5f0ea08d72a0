package io.sluice.coordinator.group;

import io.sluice.coordinator.group.ConsumerMember.Current;
import io.sluice.coordinator.group.ConsumerMember.MemberState;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Moves one member towards its target assignment, one safe step per heartbeat (KIP-848's
 * reconciliation). A partition is never in use by two members at once: a member first gives up what
 * its target no longer holds and keeps its epoch until it confirms (by sending its owned partitions
 * without them); only then does it advance to the assignment epoch, and it is given only those new
 * partitions that no other member still holds. Those it waits for come in a later heartbeat.
 */
final class MemberReconciler {
    /** Does a member other than the one reconciling still hold this partition? */
    interface Holders {
        boolean heldByOther(Uuid topic, int partition);
    }

    private MemberReconciler() {}

    /**
     * @param current the member's reconciliation before this heartbeat
     * @param assignmentEpoch the epoch of the group's target assignment
     * @param target the member's target assignment
     * @param owned the partitions the client says it owns, or null if it did not say (unchanged)
     */
    static Current next(Current current, int assignmentEpoch, Map<Uuid, SortedSet<Integer>> target,
                        Map<Uuid, SortedSet<Integer>> owned, Holders holders) {
        Current c = current;
        if (c.state() == MemberState.UNREVOKED_PARTITIONS) {
            if (owned == null || TopicPartitions.overlaps(owned, c.pendingRevocation())) {
                return c; // still revoking
            }
            c = new Current(c.memberEpoch(), c.previousMemberEpoch(), MemberState.STABLE, c.assigned(),
                    TopicPartitions.EMPTY);
        }
        if (c.memberEpoch() == assignmentEpoch && c.state() == MemberState.STABLE) {
            return c;
        }
        Map<Uuid, SortedSet<Integer>> revoke = TopicPartitions.minus(c.assigned(), target);
        if (!revoke.isEmpty()) {
            return new Current(c.memberEpoch(), c.previousMemberEpoch(), MemberState.UNREVOKED_PARTITIONS,
                    TopicPartitions.intersect(c.assigned(), target), revoke);
        }
        Map<Uuid, SortedSet<Integer>> wanted = TopicPartitions.minus(target, c.assigned());
        Map<Uuid, TreeSet<Integer>> free = new TreeMap<>();
        boolean waiting = false;
        for (var e : wanted.entrySet()) {
            for (int p : e.getValue()) {
                if (holders.heldByOther(e.getKey(), p)) {
                    waiting = true;
                } else {
                    free.computeIfAbsent(e.getKey(), t -> new TreeSet<>()).add(p);
                }
            }
        }
        int previous = c.memberEpoch() != assignmentEpoch ? c.memberEpoch() : c.previousMemberEpoch();
        return new Current(assignmentEpoch, previous,
                waiting ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
                TopicPartitions.union(c.assigned(), free), TopicPartitions.EMPTY);
    }
}
