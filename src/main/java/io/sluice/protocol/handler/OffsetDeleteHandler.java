package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete: removes committed offsets of a group, except of topics its live members subscribe
 * to (GROUP_SUBSCRIBED_TO_TOPIC).
 */
public final class OffsetDeleteHandler extends VersionedHandler<OffsetDeleteRequestData> {
    private final GroupCoordinator groups;

    public OffsetDeleteHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_DELETE, 0, 0);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<OffsetDeleteResponseData> handle(RequestContext context, OffsetDeleteRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new OffsetDeleteResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        List<TopicPartition> requested = new ArrayList<>();
        request.topics().forEach(t -> t.partitions().forEach(p -> requested.add(new TopicPartition(t.name(), p.partitionIndex()))));
        return groups.forGroup(request.groupId(), shard -> CompletableFuture.completedFuture(
                        shard.deleteOffsets(request.groupId(), requested)))
                .thenApply(result -> {
                    OffsetDeleteResponseData response = new OffsetDeleteResponseData().setErrorCode(result.error().code());
                    result.partitions().forEach((tp, error) -> {
                        OffsetDeleteResponseTopic topic = response.topics().find(tp.topic());
                        if (topic == null) {
                            topic = new OffsetDeleteResponseTopic().setName(tp.topic());
                            response.topics().add(topic);
                        }
                        topic.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(tp.partition())
                                .setErrorCode(error.code()));
                    });
                    return response;
                })
                .exceptionally(e -> new OffsetDeleteResponseData().setErrorCode(GroupErrors.of(e).code()));
    }
}
