package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Decides a DeleteTopics request. Topics come by name ({@code topicNames}, before v6) or by name
 * or id ({@code topics}, v6+); each result names both the topic and its id when known.
 */
final class TopicDeleter {
    private final boolean deleteTopicEnable;

    TopicDeleter(boolean deleteTopicEnable) {
        this.deleteTopicEnable = deleteTopicEnable;
    }

    /** One topic as the request named it: exactly one of name and id is set. */
    private record Target(String name, Uuid id) {
        Optional<TopicImage> resolve(MetadataImage image) {
            return name != null ? image.topic(name) : image.topic(id);
        }

        ApiError unknown() {
            return name != null ? new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION)
                    : new ApiError(Errors.UNKNOWN_TOPIC_ID);
        }
    }

    ControllerResult<DeleteTopicsResponseData> deleteTopics(MetadataImage image, DeleteTopicsRequestData request) {
        List<Target> targets = new ArrayList<>();
        request.topicNames().forEach(name -> targets.add(new Target(name, null)));
        for (DeleteTopicState state : request.topics()) {
            targets.add(state.name() != null ? new Target(state.name(), null) : new Target(null, state.topicId()));
        }
        Set<Target> duplicates = Requests.duplicates(targets);
        Set<Uuid> deleting = new HashSet<>();
        Set<Target> answered = new HashSet<>();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<MetadataRecord> records = new ArrayList<>();
        List<DeletableTopicResult> successes = new ArrayList<>();
        for (Target target : targets) {
            if (!answered.add(target)) {
                continue;
            }
            Optional<TopicImage> topic = target.resolve(image);
            DeletableTopicResult result = new DeletableTopicResult()
                    .setName(topic.map(TopicImage::name).orElse(target.name()))
                    .setTopicId(topic.map(TopicImage::id).orElse(target.id() != null ? target.id() : Uuid.ZERO_UUID));
            response.responses().add(result);
            ApiError error = null;
            if (!deleteTopicEnable) {
                error = new ApiError(Errors.TOPIC_DELETION_DISABLED, "Topic deletion is disabled.");
            } else if (duplicates.contains(target)) {
                error = new ApiError(Errors.INVALID_REQUEST, "Duplicate topic in request.");
            } else if (topic.isEmpty()) {
                error = target.unknown();
            } else if (!deleting.add(topic.get().id())) {
                // Named twice, once by name and once by id: delete it once, answer both.
                successes.add(result);
                continue;
            }
            if (error != null) {
                Requests.fail(result::setErrorCode, result::setErrorMessage, error);
                continue;
            }
            records.add(MetadataRecords.removeTopic(topic.get().id()));
            successes.add(result);
        }
        return new ControllerResult<>(response, records, error -> successes.forEach(result ->
                Requests.fail(result::setErrorCode, result::setErrorMessage, error)));
    }
}
