package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupDescribe v0-v1: KIP-848 groups with epochs and each member's current and target
 * assignment. A classic or unknown group answers GROUP_ID_NOT_FOUND; the admin client then falls
 * back to DescribeGroups for classic ones.
 */
public final class ConsumerGroupDescribeHandler extends VersionedHandler<ConsumerGroupDescribeRequestData> {
    private final GroupCoordinator groups;

    public ConsumerGroupDescribeHandler(GroupCoordinator groups) {
        super(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ConsumerGroupDescribeResponseData> handle(RequestContext context,
                                                                        ConsumerGroupDescribeRequestData request) {
        List<CompletableFuture<DescribedGroup>> answers = new ArrayList<>();
        for (String groupId : request.groupIds()) {
            if (groupId == null || groupId.isEmpty()) {
                answers.add(CompletableFuture.completedFuture(new DescribedGroup().setGroupId(groupId)
                        .setErrorCode(Errors.INVALID_GROUP_ID.code())));
                continue;
            }
            answers.add(groups.forGroup(groupId, shard -> CompletableFuture.completedFuture(
                            shard.describeConsumerGroup(groupId)))
                    .exceptionally(e -> new DescribedGroup().setGroupId(groupId)
                            .setErrorCode(GroupErrors.of(e).code())));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData();
            answers.forEach(a -> response.groups().add(a.join()));
            return response;
        });
    }
}
