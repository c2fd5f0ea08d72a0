package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/** Decides a CreateTopics request against an image: per-topic results and the records to write. */
final class TopicCreator {
    private final ControllerSettings settings;
    private final TopicConfigValidator configValidator;
    private final ReplicaPlacer placer;

    TopicCreator(ControllerSettings settings, TopicConfigValidator configValidator, ReplicaPlacer placer) {
        this.settings = settings;
        this.configValidator = configValidator;
        this.placer = placer;
    }

    ControllerResult<CreateTopicsResponseData> createTopics(MetadataImage image, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        Set<String> duplicates = Requests.duplicates(request.topics().stream().map(CreatableTopic::name).toList());
        // Names taken so far, keyed by their collision form ('.' and '_' unified), including the
        // topics created earlier in this same request.
        Map<String, String> takenByCollisionForm = new HashMap<>();
        image.topics().keySet().forEach(name -> takenByCollisionForm.put(Topic.unifyCollisionChars(name), name));
        List<MetadataRecord> records = new ArrayList<>();
        List<CreatableTopicResult> successes = new ArrayList<>();
        Set<String> answered = new HashSet<>();
        for (CreatableTopic topic : request.topics()) {
            if (!answered.add(topic.name())) {
                continue;
            }
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name());
            response.topics().add(result);
            if (duplicates.contains(topic.name())) {
                Requests.fail(result::setErrorCode, result::setErrorMessage,
                        new ApiError(Errors.INVALID_REQUEST, "Duplicate topic name."));
                continue;
            }
            try {
                Uuid id = Uuid.randomUuid();
                List<List<Integer>> assignment = planTopic(image, topic, takenByCollisionForm);
                records.addAll(topicRecords(topic.name(), id, assignment, configs(topic)));
                takenByCollisionForm.put(Topic.unifyCollisionChars(topic.name()), topic.name());
                result.setTopicId(id)
                        .setNumPartitions(assignment.size())
                        .setReplicationFactor((short) assignment.get(0).size());
                successes.add(result);
            } catch (ApiException e) {
                Requests.fail(result::setErrorCode, result::setErrorMessage, ApiError.fromThrowable(e));
            }
        }
        return new ControllerResult<>(response, records, error -> successes.forEach(result ->
                Requests.fail(result::setErrorCode, result::setErrorMessage, error)));
    }

    /** Checks the topic and returns its replica assignment, partition by partition. */
    private List<List<Integer>> planTopic(MetadataImage image, CreatableTopic topic,
                                          Map<String, String> takenByCollisionForm) {
        String name = topic.name();
        if (name == null || name.isEmpty()) {
            throw new InvalidTopicException("Topic name is illegal, it can't be empty");
        }
        Topic.validate(name);
        String taken = takenByCollisionForm.get(Topic.unifyCollisionChars(name));
        if (name.equals(taken)) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        if (taken != null) {
            throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + taken);
        }
        List<List<Integer>> assignment = topic.assignments().isEmpty()
                ? placedAssignment(image, topic)
                : manualAssignment(image, topic);
        Requests.validateConfigs(configs(topic), configValidator::validate);
        return assignment;
    }

    private List<List<Integer>> placedAssignment(MetadataImage image, CreatableTopic topic) {
        int partitions = topic.numPartitions() == -1 ? settings.numPartitions() : topic.numPartitions();
        if (partitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        int replicationFactor = topic.replicationFactor() == -1
                ? settings.defaultReplicationFactor() : topic.replicationFactor();
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        return placer.place(image.brokers().values(), 0, partitions, replicationFactor);
    }

    private static List<List<Integer>> manualAssignment(MetadataImage image, CreatableTopic topic) {
        if (topic.numPartitions() != -1 || topic.replicationFactor() != -1) {
            throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments "
                    + "were set. Both cannot be used at the same time.");
        }
        Map<Integer, List<Integer>> byPartition = new HashMap<>();
        for (CreatableReplicaAssignment a : topic.assignments()) {
            byPartition.put(a.partitionIndex(), a.brokerIds());
        }
        List<List<Integer>> assignment = new ArrayList<>();
        for (int p = 0; p < byPartition.size(); p++) {
            List<Integer> replicas = byPartition.get(p);
            if (replicas == null) {
                throw new InvalidReplicaAssignmentException("Partitions should be consecutive, starting at 0, "
                        + "but partition " + p + " is missing from the manual assignment.");
            }
            ManualAssignment.validate(image, p, replicas, p == 0 ? -1 : assignment.get(0).size());
            assignment.add(List.copyOf(replicas));
        }
        if (byPartition.size() != topic.assignments().size()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment names a partition twice.");
        }
        return assignment;
    }

    private static Map<String, String> configs(CreatableTopic topic) {
        Map<String, String> configs = new HashMap<>();
        for (CreatableTopicConfig config : topic.configs()) {
            if (config.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + config.name());
            }
            configs.put(config.name(), config.value());
        }
        return configs;
    }

    /** TopicRecord first: the partition and config records that follow refer to it. */
    private static List<MetadataRecord> topicRecords(String name, Uuid id, List<List<Integer>> assignment,
                                                     Map<String, String> configs) {
        List<MetadataRecord> records = new ArrayList<>();
        records.add(MetadataRecords.topic(name, id));
        configs.forEach((key, value) -> records.add(MetadataRecords.config(ConfigResourceType.TOPIC, name, key, value)));
        records.addAll(PartitionCreator.newPartitionRecords(id, 0, assignment));
        return records;
    }
}
