package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/** Decides a CreatePartitions request: per-topic results and the new partitions' records. */
final class PartitionCreator {
    private final ReplicaPlacer placer;

    PartitionCreator(ReplicaPlacer placer) {
        this.placer = placer;
    }

    /** New partitions start with every replica in sync and the first replica leading, at epoch 0. */
    static List<MetadataRecord> newPartitionRecords(Uuid topicId, int firstPartition, List<List<Integer>> assignment) {
        List<MetadataRecord> records = new ArrayList<>(assignment.size());
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            records.add(MetadataRecords.partition(topicId,
                    new PartitionImage(firstPartition + i, replicas.get(0), 0, replicas, replicas, 0)));
        }
        return records;
    }

    ControllerResult<CreatePartitionsResponseData> createPartitions(MetadataImage image,
                                                                   CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        Set<String> duplicates = Requests.duplicates(request.topics().stream().map(CreatePartitionsTopic::name).toList());
        Set<String> answered = new HashSet<>();
        List<MetadataRecord> records = new ArrayList<>();
        List<CreatePartitionsTopicResult> successes = new ArrayList<>();
        for (CreatePartitionsTopic topic : request.topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            if (duplicates.contains(topic.name())) {
                Requests.fail(result::setErrorCode, result::setErrorMessage,
                        new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            try {
                records.addAll(plan(image, topic));
                successes.add(result);
            } catch (ApiException e) {
                Requests.fail(result::setErrorCode, result::setErrorMessage, ApiError.fromThrowable(e));
            }
        }
        return new ControllerResult<>(response, records, error -> successes.forEach(result ->
                Requests.fail(result::setErrorCode, result::setErrorMessage, error)));
    }

    private List<MetadataRecord> plan(MetadataImage image, CreatePartitionsTopic request) {
        TopicImage topic = image.topic(request.name()).orElseThrow(() ->
                new UnknownTopicOrPartitionException(Errors.UNKNOWN_TOPIC_OR_PARTITION.message()));
        int current = topic.partitions().size();
        if (request.count() < current) {
            throw new InvalidPartitionsException("Topic currently has " + current
                    + " partitions, which is higher than the requested " + request.count() + ".");
        }
        if (request.count() == current) {
            throw new InvalidPartitionsException("Topic already has " + current + " partitions.");
        }
        int additional = request.count() - current;
        // The target's size: a partition being reassigned holds its old and new replicas together.
        int replicationFactor = topic.partitions().get(topic.partitions().firstKey()).targetReplicas().size();
        List<List<Integer>> assignment;
        // Null on the wire when the client gives none; an empty list means the same.
        if (request.assignments() == null || request.assignments().isEmpty()) {
            assignment = placer.place(image.brokers().values(), current, additional, replicationFactor);
        } else {
            if (request.assignments().size() != additional) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + additional
                        + " additional partition(s), but only " + request.assignments().size()
                        + " assignment(s) were supplied.");
            }
            assignment = new ArrayList<>();
            for (CreatePartitionsAssignment a : request.assignments()) {
                ManualAssignment.validate(image, current + assignment.size(), a.brokerIds(), replicationFactor);
                assignment.add(List.copyOf(a.brokerIds()));
            }
        }
        return newPartitionRecords(topic.id(), current, assignment);
    }
}
