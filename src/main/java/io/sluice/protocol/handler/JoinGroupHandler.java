package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupConfig;
import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * JoinGroup (classic protocol). The answer may take until the rebalance's join phase ends; the
 * future completes then, no thread waits. v4+ new members first get MEMBER_ID_REQUIRED with an id.
 */
public final class JoinGroupHandler extends VersionedHandler<JoinGroupRequestData> {
    private static final int NULLABLE_PROTOCOL_NAME_SINCE = 7;

    private final GroupCoordinator groups;

    public JoinGroupHandler(GroupCoordinator groups) {
        super(ApiKeys.JOIN_GROUP, 0, 9);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<JoinGroupResponseData> handle(RequestContext context, JoinGroupRequestData request) {
        short version = context.apiVersion();
        String memberId = request.memberId() == null ? "" : request.memberId();
        if (version == 0) {
            request.setRebalanceTimeoutMs(request.sessionTimeoutMs()); // v0 has no separate rebalance timeout
        }
        GroupConfig config = groups.config();
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return done(error(memberId, Errors.INVALID_GROUP_ID), version);
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return done(error(memberId, Errors.INVALID_SESSION_TIMEOUT), version);
        }
        String clientHost = context.connection().peerAddress();
        return groups.forGroup(request.groupId(), shard -> shard.join(request, version, context.clientId(),
                        clientHost == null ? "" : "/" + hostOnly(clientHost)))
                .exceptionally(e -> error(memberId, GroupErrors.of(e)))
                .thenApply(r -> normalize(r, version));
    }

    private static String hostOnly(String peer) {
        int colon = peer.lastIndexOf(':');
        String host = colon > 0 ? peer.substring(0, colon) : peer;
        return host.startsWith("/") ? host.substring(1) : host;
    }

    private static JoinGroupResponseData error(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(memberId).setGenerationId(-1)
                .setLeader("").setProtocolName(null);
    }

    private static CompletableFuture<JoinGroupResponseData> done(JoinGroupResponseData r, short version) {
        return CompletableFuture.completedFuture(normalize(r, version));
    }

    /** Before v7 the protocol name may not be null on the wire. */
    private static JoinGroupResponseData normalize(JoinGroupResponseData r, short version) {
        if (version < NULLABLE_PROTOCOL_NAME_SINCE && r.protocolName() == null) {
            r.setProtocolName("");
        }
        if (r.leader() == null) {
            r.setLeader("");
        }
        return r;
    }
}
