package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit v2-v10; answered once the offsets are in {@code __consumer_offsets}. v10 names
 * topics by id: they are translated to names (offsets are stored by name) and back, and an id no
 * topic has gets UNKNOWN_TOPIC_ID. v9+ carry a KIP-848 member id and member epoch.
 */
public final class OffsetCommitHandler extends VersionedHandler<OffsetCommitRequestData> {
    private static final int TOPIC_IDS_SINCE = 10;

    private final GroupCoordinator groups;

    public OffsetCommitHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_COMMIT, 2, 10);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<OffsetCommitResponseData> handle(RequestContext context, OffsetCommitRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(allFailed(request, Errors.INVALID_GROUP_ID));
        }
        if (context.apiVersion() >= TOPIC_IDS_SINCE) {
            return commitByTopicId(request);
        }
        return groups.forGroup(request.groupId(), shard -> CompletableFuture.completedFuture(shard.commitOffsets(request)))
                .exceptionally(e -> allFailed(request, GroupErrors.of(e)));
    }

    private CompletableFuture<OffsetCommitResponseData> commitByTopicId(OffsetCommitRequestData request) {
        MetadataImage image = groups.image();
        List<OffsetCommitRequestTopic> unknown = new ArrayList<>();
        List<OffsetCommitRequestTopic> known = new ArrayList<>();
        for (OffsetCommitRequestTopic t : request.topics()) {
            String name = TopicIds.name(image, t.topicId());
            if (name == null) {
                unknown.add(t);
            } else {
                known.add(t.setName(name));
            }
        }
        request.setTopics(known);
        CompletableFuture<OffsetCommitResponseData> committed = known.isEmpty()
                ? CompletableFuture.completedFuture(new OffsetCommitResponseData())
                : groups.forGroup(request.groupId(), shard -> CompletableFuture.completedFuture(shard.commitOffsets(request)))
                        .exceptionally(e -> allFailed(request, GroupErrors.of(e)));
        return committed.thenApply(response -> {
            for (int i = 0; i < response.topics().size(); i++) {
                response.topics().get(i).setTopicId(known.get(i).topicId());
            }
            OffsetCommitRequestData rest = new OffsetCommitRequestData().setTopics(unknown);
            allFailed(rest, Errors.UNKNOWN_TOPIC_ID).topics().forEach(t -> response.topics().add(t));
            return response;
        });
    }

    private static OffsetCommitResponseData allFailed(OffsetCommitRequestData request, Errors error) {
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        request.topics().forEach(t -> {
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
            t.partitions().forEach(p -> out.partitions().add(new OffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code())));
            response.topics().add(out);
        });
        return response;
    }
}
