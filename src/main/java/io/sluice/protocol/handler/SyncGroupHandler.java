package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** SyncGroup: the leader hands in the assignment; every member waits for its share. */
public final class SyncGroupHandler extends VersionedHandler<SyncGroupRequestData> {
    private final GroupCoordinator groups;

    public SyncGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.SYNC_GROUP, 0, 5);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<SyncGroupResponseData> handle(RequestContext context, SyncGroupRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(error(Errors.INVALID_GROUP_ID));
        }
        return groups.forGroup(request.groupId(), shard -> shard.sync(request))
                .exceptionally(e -> error(GroupErrors.of(e)));
    }

    private static SyncGroupResponseData error(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }
}
