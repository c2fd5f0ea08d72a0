package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** DeleteGroups: empty groups are deleted with their offsets; others answer NON_EMPTY_GROUP. */
public final class DeleteGroupsHandler extends VersionedHandler<DeleteGroupsRequestData> {
    private final GroupCoordinator groups;

    public DeleteGroupsHandler(GroupCoordinator groups) {
        super(ApiKeys.DELETE_GROUPS, 0, 2);
        this.groups = groups;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponseData> handle(RequestContext context, DeleteGroupsRequestData request) {
        // One batch per coordinator partition, so each partition writes its tombstones once.
        Map<Integer, List<String>> byPartition = new LinkedHashMap<>();
        List<CompletableFuture<Map<String, Errors>>> answers = new ArrayList<>();
        Map<String, Errors> invalid = new LinkedHashMap<>();
        for (String groupId : request.groupsNames()) {
            if (groupId == null || groupId.isEmpty()) {
                invalid.put(groupId, Errors.INVALID_GROUP_ID);
            } else if (groups.offsetsTopic().current().isEmpty()) {
                invalid.put(groupId, Errors.GROUP_ID_NOT_FOUND);
            } else {
                byPartition.computeIfAbsent(groups.partitionFor(groupId), p -> new ArrayList<>()).add(groupId);
            }
        }
        for (List<String> ids : byPartition.values()) {
            answers.add(groups.forGroup(ids.get(0), shard -> CompletableFuture.completedFuture(shard.deleteGroups(ids)))
                    .exceptionally(e -> {
                        Errors error = GroupErrors.of(e);
                        Map<String, Errors> failed = new LinkedHashMap<>();
                        ids.forEach(id -> failed.put(id, error));
                        return failed;
                    }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            Map<String, Errors> all = new LinkedHashMap<>(invalid);
            answers.forEach(a -> all.putAll(a.join()));
            all.forEach((id, error) -> response.results().add(new DeletableGroupResult().setGroupId(id)
                    .setErrorCode(error.code())));
            return response;
        });
    }
}
