package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupHeartbeat v0-v1 (KIP-848): one request to join, stay, reconcile and leave; the
 * coordinator computes assignments. v1 adds server-side regex subscriptions and client-made member ids.
 */
public final class ConsumerGroupHeartbeatHandler extends VersionedHandler<ConsumerGroupHeartbeatRequestData> {
    private final GroupCoordinator groups;

    public ConsumerGroupHeartbeatHandler(GroupCoordinator groups) {
        super(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> handle(RequestContext context,
                                                                         ConsumerGroupHeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return CompletableFuture.completedFuture(new ConsumerGroupHeartbeatResponseData()
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("GroupId can't be empty."));
        }
        String peer = context.connection().peerAddress();
        String clientHost = peer == null ? "" : "/" + ClientHosts.hostOnly(peer);
        return groups.forGroup(request.groupId(), shard -> CompletableFuture.completedFuture(
                        shard.consumerGroupHeartbeat(request, context.apiVersion(), context.clientId(), clientHost)))
                .exceptionally(e -> new ConsumerGroupHeartbeatResponseData().setErrorCode(GroupErrors.of(e).code()));
    }
}
