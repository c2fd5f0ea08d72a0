package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListGroups: the groups of every {@code __consumer_offsets} partition this broker coordinates
 * (clients ask every broker), filtered by state (v4+) and type (v5+). While a partition is still
 * loading the list would be incomplete, so the answer is COORDINATOR_LOAD_IN_PROGRESS instead.
 */
public final class ListGroupsHandler extends VersionedHandler<ListGroupsRequestData> {
    private static final int STATE_SINCE = 4;
    private static final int TYPE_SINCE = 5;

    private final GroupCoordinator groups;

    public ListGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.LIST_GROUPS, 0, 5);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<ListGroupsResponseData> handle(RequestContext context, ListGroupsRequestData request) {
        short version = context.apiVersion();
        if (groups.anyLoading()) {
            return CompletableFuture.completedFuture(new ListGroupsResponseData()
                    .setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
        }
        Set<String> states = version >= STATE_SINCE && request.statesFilter() != null
                ? new HashSet<>(request.statesFilter()) : Set.of();
        Set<String> types = version >= TYPE_SINCE && request.typesFilter() != null
                ? new HashSet<>(request.typesFilter()) : Set.of();
        return groups.forAllLoaded(shard -> shard.listGroups(states, types)).thenApply(lists -> {
            ListGroupsResponseData response = new ListGroupsResponseData();
            for (List<ListedGroup> list : lists) {
                for (ListedGroup g : list) {
                    if (version < STATE_SINCE) {
                        g.setGroupState("");
                    }
                    if (version < TYPE_SINCE) {
                        g.setGroupType("");
                    }
                    response.groups().add(g);
                }
            }
            return response;
        }).exceptionally(e -> new ListGroupsResponseData().setErrorCode(GroupErrors.of(e).code()));
    }
}
