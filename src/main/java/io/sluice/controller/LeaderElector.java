package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Leader elections on request (the ElectLeaders API, KIP-460) and the periodic preferred-leader
 * rebalance ({@code auto.leader.rebalance.enable}). A preferred election hands leadership to the first
 * replica when it is in the ISR and eligible; an unclean one gives a leaderless partition a leader,
 * from the ISR if any member is eligible, else from any eligible replica, which then is the whole ISR.
 */
final class LeaderElector {
    private final BrokerHeartbeats heartbeats;

    LeaderElector(BrokerHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    /** One partition's election outcome: an error, or the record that elects. */
    private record Election(ApiError error, MetadataRecord record) {
        static Election failed(Errors error, String message) {
            return new Election(new ApiError(error, message), null);
        }
    }

    ControllerResult<ElectLeadersResponseData> electLeaders(MetadataImage image, ElectLeadersRequestData request) {
        ElectLeadersResponseData response = new ElectLeadersResponseData();
        ElectionType type;
        try {
            type = ElectionType.valueOf(request.electionType());
        } catch (IllegalArgumentException e) {
            return ControllerResult.of(response.setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        IntPredicate eligible = PartitionLeadership.eligible(image, heartbeats);
        boolean all = request.topicPartitions() == null;
        Map<String, List<Integer>> wanted = new java.util.LinkedHashMap<>();
        if (all) {
            image.topics().forEach((name, topic) -> wanted.put(name, List.copyOf(topic.partitions().keySet())));
        } else {
            request.topicPartitions().forEach(tp -> wanted.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                    .addAll(tp.partitions()));
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<PartitionResult> elected = new ArrayList<>();
        Map<String, ReplicaElectionResult> byTopic = new HashMap<>();
        wanted.forEach((name, partitions) -> {
            TopicImage topic = image.topic(name).orElse(null);
            for (int index : partitions) {
                PartitionImage p = topic == null ? null : topic.partitions().get(index);
                Election election = p == null
                        ? Election.failed(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist.")
                        : elect(type, topic, p, eligible);
                if (all && election.error().error() == Errors.ELECTION_NOT_NEEDED) {
                    continue; // asked for everything: report the elections, not the partitions already fine
                }
                PartitionResult result = new PartitionResult().setPartitionId(index)
                        .setErrorCode(election.error().error().code()).setErrorMessage(election.error().message());
                byTopic.computeIfAbsent(name, n -> {
                    ReplicaElectionResult r = new ReplicaElectionResult().setTopic(n);
                    response.replicaElectionResults().add(r);
                    return r;
                }).partitionResult().add(result);
                if (election.record() != null) {
                    records.add(election.record());
                    elected.add(result);
                }
            }
        });
        return new ControllerResult<>(response, records, error -> elected.forEach(r -> r
                .setErrorCode(error.error().code()).setErrorMessage(error.message())));
    }

    /**
     * The periodic rebalance: preferred elections for the partitions of every broker whose share of
     * partitions led by someone else exceeds {@code leader.imbalance.per.broker.percentage}.
     */
    List<MetadataRecord> rebalance(MetadataImage image, int imbalancePercentage) {
        IntPredicate eligible = PartitionLeadership.eligible(image, heartbeats);
        Map<Integer, Integer> preferredCount = new HashMap<>();
        Map<Integer, List<MetadataRecord>> movesByBroker = new HashMap<>();
        Map<Integer, Integer> imbalancedCount = new HashMap<>();
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions().values()) {
                if (p.replicas().isEmpty()) {
                    continue;
                }
                int preferred = p.replicas().get(0);
                preferredCount.merge(preferred, 1, Integer::sum);
                if (p.leader() != preferred) {
                    imbalancedCount.merge(preferred, 1, Integer::sum);
                    Election election = elect(ElectionType.PREFERRED, topic, p, eligible);
                    if (election.record() != null) {
                        movesByBroker.computeIfAbsent(preferred, b -> new ArrayList<>()).add(election.record());
                    }
                }
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        movesByBroker.forEach((broker, moves) -> {
            if (imbalancedCount.get(broker) * 100L > (long) imbalancePercentage * preferredCount.get(broker)) {
                records.addAll(moves);
            }
        });
        return records;
    }

    private Election elect(ElectionType type, TopicImage topic, PartitionImage p, IntPredicate eligible) {
        if (type == ElectionType.PREFERRED) {
            int preferred = p.replicas().isEmpty() ? -1 : p.replicas().get(0);
            if (p.leader() == preferred) {
                return Election.failed(Errors.ELECTION_NOT_NEEDED, "Leader is already the preferred replica.");
            }
            if (preferred == -1 || !p.isr().contains(preferred) || !eligible.test(preferred)) {
                return Election.failed(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "Failed to elect leader for partition "
                        + topic.name() + "-" + p.partition() + ": the preferred replica " + preferred
                        + " is not in the ISR or not alive.");
            }
            return elected(topic, p, preferred, null);
        }
        if (p.leader() != -1) {
            return Election.failed(Errors.ELECTION_NOT_NEEDED, "The partition has a leader.");
        }
        OptionalInt fromIsr = PartitionLeadership.firstEligible(p, p.isr(), eligible);
        if (fromIsr.isPresent()) {
            return elected(topic, p, fromIsr.getAsInt(), null);
        }
        OptionalInt anyReplica = PartitionLeadership.firstEligible(p, p.replicas(), eligible);
        if (anyReplica.isPresent()) {
            // Unclean: the new leader's log becomes the truth, so it is the only replica known in sync.
            return elected(topic, p, anyReplica.getAsInt(), List.of(anyReplica.getAsInt()));
        }
        return Election.failed(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "No replica of partition " + topic.name()
                + "-" + p.partition() + " is alive.");
    }

    private static Election elected(TopicImage topic, PartitionImage p, int leader, List<Integer> isr) {
        return new Election(ApiError.NONE, MetadataRecords.partitionChange(topic.id(), p.partition(), leader, isr));
    }
}
