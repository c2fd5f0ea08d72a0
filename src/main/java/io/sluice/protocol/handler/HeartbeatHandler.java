package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** Heartbeat: keeps a member's session alive and tells it when a rebalance started. */
public final class HeartbeatHandler extends VersionedHandler<HeartbeatRequestData> {
    private final GroupCoordinator groups;

    public HeartbeatHandler(GroupCoordinator groups) {
        super(ApiKeys.HEARTBEAT, 0, 4);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<HeartbeatResponseData> handle(RequestContext context, HeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
        }
        return groups.forGroup(request.groupId(), shard -> CompletableFuture.completedFuture(shard.heartbeat(request)))
                .exceptionally(GroupErrors::of)
                .thenApply(error -> new HeartbeatResponseData().setErrorCode(error.code()));
    }
}
