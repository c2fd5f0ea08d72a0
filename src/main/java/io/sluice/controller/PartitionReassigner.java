package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.NoReassignmentInProgressException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterPartitionReassignments (KIP-455): starts, replaces or cancels (null replicas) partition
 * reassignments. A started reassignment is one partition change: the replicas become the target
 * followed by the current replicas that are not in it, with the added and removed ones named, so the
 * new replicas start copying the log while the old ones keep serving. {@link ReassignmentCompleter}
 * finishes it once the target is in sync; a cancellation goes back to the original replicas at once.
 */
final class PartitionReassigner {
    private final BrokerHeartbeats heartbeats;

    PartitionReassigner(BrokerHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    ControllerResult<AlterPartitionReassignmentsResponseData> alter(MetadataImage image,
                                                                   AlterPartitionReassignmentsRequestData request) {
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setAllowReplicationFactorChange(request.allowReplicationFactorChange());
        List<MetadataRecord> records = new ArrayList<>();
        List<ReassignablePartitionResponse> successes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ReassignableTopic topicRequest : request.topics()) {
            ReassignableTopicResponse topicResult = new ReassignableTopicResponse().setName(topicRequest.name());
            response.responses().add(topicResult);
            TopicImage topic = image.topic(topicRequest.name()).orElse(null);
            for (ReassignablePartition partitionRequest : topicRequest.partitions()) {
                ReassignablePartitionResponse result = new ReassignablePartitionResponse()
                        .setPartitionIndex(partitionRequest.partitionIndex()).setErrorMessage(null);
                topicResult.partitions().add(result);
                try {
                    if (!seen.add(topicRequest.name() + "-" + partitionRequest.partitionIndex())) {
                        throw new InvalidRequestException(
                                "Partition " + partitionRequest.partitionIndex() + " is named twice.");
                    }
                    PartitionImage partition = topic == null ? null : topic.partitions().get(partitionRequest.partitionIndex());
                    if (partition == null) {
                        throw new UnknownTopicOrPartitionException("Unable to find partition "
                                + topicRequest.name() + "-" + partitionRequest.partitionIndex() + ".");
                    }
                    IntPredicate eligible = PartitionLeadership.eligible(image, heartbeats);
                    PartitionImage next = partitionRequest.replicas() == null
                            ? cancel(partition, eligible)
                            : reassign(image, partition, partitionRequest.replicas(), request.allowReplicationFactorChange(),
                                    eligible);
                    if (!next.equals(partition)) {
                        records.add(MetadataRecords.replicasChange(topic.id(), partition, next));
                    }
                    successes.add(result);
                } catch (ApiException e) {
                    Requests.fail(result::setErrorCode, result::setErrorMessage, ApiError.fromThrowable(e));
                }
            }
        }
        return new ControllerResult<>(response, records, error -> successes.forEach(result ->
                Requests.fail(result::setErrorCode, result::setErrorMessage, error)));
    }

    private static PartitionImage cancel(PartitionImage partition, IntPredicate eligible) {
        if (!partition.isReassigning()) {
            throw new NoReassignmentInProgressException("No ongoing reassignment for partition "
                    + partition.partition() + ".");
        }
        if (partition.isr().stream().noneMatch(partition.originalReplicas()::contains)) {
            // Only added replicas are in sync: going back would take an unclean election, as Kafka refuses too.
            throw new InvalidReplicaAssignmentException("Cannot cancel the reassignment of partition "
                    + partition.partition() + ": none of its original replicas " + partition.originalReplicas()
                    + " is in sync (ISR " + partition.isr() + ")");
        }
        return ReplicaSetChange.settleOn(partition, partition.originalReplicas(), eligible);
    }

    private static PartitionImage reassign(MetadataImage image, PartitionImage partition, List<Integer> target,
                                           boolean allowReplicationFactorChange, IntPredicate eligible) {
        validate(image, partition, target, allowReplicationFactorChange);
        List<Integer> original = partition.originalReplicas();
        if (!partition.isReassigning() && target.equals(partition.replicas())) {
            return partition;
        }
        if (new HashSet<>(target).equals(new HashSet<>(partition.replicas()))) {
            // Nothing to copy or drop: a new order (the preferred leader) or the same list, in one step.
            return ReplicaSetChange.settleOn(partition, List.copyOf(target), eligible);
        }
        List<Integer> replicas = new ArrayList<>(target);
        partition.replicas().stream().filter(r -> !target.contains(r)).forEach(replicas::add);
        List<Integer> adding = target.stream().filter(r -> !original.contains(r)).toList();
        List<Integer> removing = partition.replicas().stream().filter(r -> !target.contains(r)).toList();
        return new PartitionImage(partition.partition(), partition.leader(), partition.leaderEpoch(), replicas,
                partition.isr(), partition.partitionEpoch() + 1, adding, removing);
    }

    private static void validate(MetadataImage image, PartitionImage partition, List<Integer> target,
                                 boolean allowReplicationFactorChange) {
        ManualAssignment.validate(image, partition.partition(), target, -1);
        for (int id : target) {
            BrokerImage broker = image.brokers().get(id);
            if (broker.fenced()) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker "
                        + id + ", but it is fenced.");
            }
        }
        int currentFactor = partition.originalReplicas().size();
        if (!allowReplicationFactorChange && target.size() != currentFactor) {
            throw new InvalidReplicationFactorException("The replication factor is changed from " + currentFactor
                    + " to " + target.size() + " but allowReplicationFactorChange was set to false.");
        }
    }
}
