package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.IntPredicate;

/**
 * Leadership and ISR changes around one broker, as partition change records: taking them away from
 * a broker that is fenced or shutting down, and giving leaderless partitions back to a broker that
 * returns. Leaders are chosen from the ISR, in replica order, among brokers that are registered,
 * unfenced and not shutting down; from outside the ISR only where unclean leader election is enabled.
 */
final class PartitionLeadership {
    private PartitionLeadership() {}

    /** Brokers that may lead or join an ISR: registered, unfenced and not in controlled shutdown. */
    static IntPredicate eligible(MetadataImage image, BrokerHeartbeats heartbeats) {
        return id -> {
            BrokerImage broker = image.brokers().get(id);
            return broker != null && !broker.fenced() && !heartbeats.isShuttingDown(id);
        };
    }

    /** The first of {@code candidates} in replica order that is eligible. */
    static OptionalInt firstEligible(PartitionImage p, Collection<Integer> candidates, IntPredicate eligible) {
        return p.replicas().stream().filter(candidates::contains).mapToInt(Integer::intValue)
                .filter(eligible).findFirst();
    }

    /**
     * Moves leadership away from {@code brokerId} to the first eligible other ISR member and takes it
     * out of every ISR that has other members. A partition it leads with no eligible successor is left
     * alone in controlled shutdown ({@code fencing} false: it keeps leading until it stops, as nobody else
     * can); when fencing, it goes to the first eligible replica outside the ISR where unclean election is
     * allowed, which becomes the whole ISR, and is leaderless otherwise.
     */
    static List<MetadataRecord> moveAway(MetadataImage image, int brokerId, IntPredicate eligible, boolean fencing,
                                         UncleanLeaderElection unclean) {
        IntPredicate others = id -> id != brokerId && eligible.test(id);
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() != brokerId && !p.isr().contains(brokerId)) {
                    continue;
                }
                List<Integer> isrWithout = p.isr().stream().filter(id -> id != brokerId).toList();
                // The ISR is never emptied: its last member is the only replica known to hold every
                // committed record, and must stay the one to lead once it comes back.
                List<Integer> newIsr = isrWithout.isEmpty() ? p.isr() : isrWithout;
                Integer newLeader = null;
                if (p.leader() == brokerId) {
                    OptionalInt successor = firstEligible(p, isrWithout, others);
                    OptionalInt outsider = fencing && successor.isEmpty() && unclean.allowed(image, topic)
                            ? firstEligible(p, p.replicas(), others) : OptionalInt.empty();
                    if (successor.isPresent()) {
                        newLeader = successor.getAsInt();
                    } else if (outsider.isPresent()) {
                        newLeader = outsider.getAsInt();
                        newIsr = List.of(newLeader);
                    } else if (fencing) {
                        newLeader = -1;
                    } else {
                        continue;
                    }
                }
                if (newLeader != null || !newIsr.equals(p.isr())) {
                    records.add(MetadataRecords.partitionChange(topic.id(), p.partition(), newLeader,
                            newIsr.equals(p.isr()) ? null : newIsr));
                }
            }
        }
        return records;
    }

    /**
     * Gives a returning broker the leadership of the leaderless partitions whose ISR it is in, and, where
     * unclean election is allowed, of those it replicates whose ISR has no eligible member.
     */
    static List<MetadataRecord> electLeaderless(MetadataImage image, int brokerId, IntPredicate eligible,
                                                UncleanLeaderElection unclean) {
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.leader() != -1) {
                    continue;
                }
                if (p.isr().contains(brokerId)) {
                    records.add(MetadataRecords.partitionChange(topic.id(), p.partition(), brokerId, null));
                } else if (p.replicas().contains(brokerId) && firstEligible(p, p.isr(), eligible).isEmpty()
                        && unclean.allowed(image, topic)) {
                    records.add(MetadataRecords.partitionChange(topic.id(), p.partition(), brokerId, List.of(brokerId)));
                }
            }
        }
        return records;
    }
}
