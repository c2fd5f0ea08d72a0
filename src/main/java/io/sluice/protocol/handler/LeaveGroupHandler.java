package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * LeaveGroup: one member (v0-v2) or a batch of members by member id or instance id (v3+, KIP-345),
 * each answered on its own.
 */
public final class LeaveGroupHandler extends VersionedHandler<LeaveGroupRequestData> {
    private static final int BATCHED_SINCE = 3;

    private final GroupCoordinator groups;

    public LeaveGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.LEAVE_GROUP, 0, 5);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<LeaveGroupResponseData> handle(RequestContext context, LeaveGroupRequestData request) {
        boolean batched = context.apiVersion() >= BATCHED_SINCE;
        List<MemberIdentity> members = batched ? request.members()
                : List.of(new MemberIdentity().setMemberId(request.memberId()));
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        return groups.forGroup(request.groupId(), shard -> CompletableFuture.completedFuture(
                        shard.leave(request.groupId(), members)))
                .thenApply(answers -> {
                    LeaveGroupResponseData response = new LeaveGroupResponseData();
                    if (batched) {
                        response.setMembers(answers);
                    } else {
                        response.setErrorCode(answers.get(0).errorCode());
                    }
                    return response;
                })
                .exceptionally(e -> new LeaveGroupResponseData().setErrorCode(GroupErrors.of(e).code()));
    }
}
