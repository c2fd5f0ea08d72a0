package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeGroups: state, protocol and members of classic groups. Members' metadata and assignment
 * are shown once the group is Stable. An unknown group is "Dead" before v6 and GROUP_ID_NOT_FOUND
 * from v6 (KIP-1043).
 */
public final class DescribeGroupsHandler extends VersionedHandler<DescribeGroupsRequestData> {
    private static final int NOT_FOUND_ERROR_SINCE = 6;
    private static final int INSTANCE_ID_SINCE = 4;

    private final GroupCoordinator groups;

    public DescribeGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.DESCRIBE_GROUPS, 0, 6);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<DescribeGroupsResponseData> handle(RequestContext context, DescribeGroupsRequestData request) {
        short version = context.apiVersion();
        List<CompletableFuture<DescribedGroup>> answers = new ArrayList<>();
        for (String groupId : request.groups()) {
            answers.add(describe(groupId, version));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeGroupsResponseData response = new DescribeGroupsResponseData();
            answers.forEach(a -> response.groups().add(a.join()));
            return response;
        });
    }

    private CompletableFuture<DescribedGroup> describe(String groupId, short version) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(error(groupId, Errors.INVALID_GROUP_ID));
        }
        return groups.forGroup(groupId, shard -> CompletableFuture.completedFuture(shard.describe(groupId)))
                .thenApply(d -> {
                    if (d == null) {
                        if (version >= NOT_FOUND_ERROR_SINCE) {
                            return error(groupId, Errors.GROUP_ID_NOT_FOUND)
                                    .setErrorMessage("Group " + groupId + " not found.");
                        }
                        return error(groupId, Errors.NONE);
                    }
                    if (d.errorCode() == Errors.GROUP_ID_NOT_FOUND.code() && version < NOT_FOUND_ERROR_SINCE) {
                        return error(groupId, Errors.NONE); // a KIP-848 group: "Dead" to old clients
                    }
                    if (version < INSTANCE_ID_SINCE) {
                        d.members().forEach(m -> m.setGroupInstanceId(null));
                    }
                    return d;
                })
                .exceptionally(e -> error(groupId, GroupErrors.of(e)));
    }

    private static DescribedGroup error(String groupId, Errors error) {
        return new DescribedGroup().setGroupId(groupId).setErrorCode(error.code()).setGroupState("Dead")
                .setProtocolType("").setProtocolData("");
    }
}
