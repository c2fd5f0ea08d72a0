package io.sluice.protocol.handler;

import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.coordinator.group.GroupRecordSerde.OffsetValue;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetFetch v1-v9: one group (v1-v7) or several (v8+, each possibly on another partition), the
 * requested partitions or all of a group's (null topics). A partition without a committed offset
 * answers -1. v10 names topics by id: they are translated to names (offsets are stored by name) and
 * back; an id no topic has answers UNKNOWN_TOPIC_ID, and stored offsets of deleted topics (no id)
 * are left out of a v10 answer.
 */
public final class OffsetFetchHandler extends VersionedHandler<OffsetFetchRequestData> {
    private static final int MULTI_GROUP_SINCE = 8;
    private static final int TOP_LEVEL_ERROR_SINCE = 2;
    private static final int TOPIC_IDS_SINCE = 10;

    private final GroupCoordinator groups;

    public OffsetFetchHandler(GroupCoordinator groups) {
        super(ApiKeys.OFFSET_FETCH, 1, 10);
        this.groups = groups;
    }

    /**
     * One group's answer, independent of the version's shape. unstable: partitions with offsets pending in an open
     * transaction, answered UNSTABLE_OFFSET_COMMIT when the fetch requires stable offsets (KIP-447), so the consumer
     * retries instead of starting from an offset the transaction is about to replace.
     */
    private record GroupOffsets(Errors error, Map<TopicPartition, OffsetValue> offsets, Set<TopicPartition> unstable) {
        GroupOffsets(Errors error, Map<TopicPartition, OffsetValue> offsets) {
            this(error, offsets, Set.of());
        }

        short partitionError(TopicPartition tp, short otherwise) {
            return unstable.contains(tp) ? Errors.UNSTABLE_OFFSET_COMMIT.code() : otherwise;
        }

        OffsetValue offset(TopicPartition tp) {
            return unstable.contains(tp) ? null : offsets.get(tp);
        }
    }

    @Override
    public CompletableFuture<OffsetFetchResponseData> handle(RequestContext context, OffsetFetchRequestData request) {
        short version = context.apiVersion();
        if (version >= MULTI_GROUP_SINCE) {
            List<CompletableFuture<OffsetFetchResponseGroup>> answers = new ArrayList<>();
            boolean byId = version >= TOPIC_IDS_SINCE;
            MetadataImage image = byId ? groups.image() : null;
            for (OffsetFetchRequestGroup g : request.groups()) {
                List<TopicPartition> requested = null;
                List<OffsetFetchRequestTopics> unknownIds = new ArrayList<>();
                if (g.topics() != null) {
                    requested = new ArrayList<>();
                    for (OffsetFetchRequestTopics t : g.topics()) {
                        String name = byId ? TopicIds.name(image, t.topicId()) : t.name();
                        if (name == null) {
                            unknownIds.add(t);
                            continue;
                        }
                        for (int p : t.partitionIndexes()) {
                            requested.add(new TopicPartition(name, p));
                        }
                    }
                }
                answers.add(fetch(g.groupId(), requested, g.memberId(), g.memberEpoch(), request.requireStable()).thenApply(r -> {
                    OffsetFetchResponseGroup answer = groupAnswer(g.groupId(), r);
                    if (byId) {
                        withTopicIds(answer, image, unknownIds);
                    }
                    return answer;
                }));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData();
                answers.forEach(a -> response.groups().add(a.join()));
                return response;
            });
        }
        List<TopicPartition> requested = null;
        if (request.topics() != null) {
            requested = new ArrayList<>();
            for (var t : request.topics()) {
                for (int p : t.partitionIndexes()) {
                    requested.add(new TopicPartition(t.name(), p));
                }
            }
        }
        return fetch(request.groupId(), requested, null, -1, request.requireStable()).thenApply(r -> singleAnswer(r, version));
    }

    /** v9+ may name the member fetching: a KIP-848 member must be current (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH). */
    private CompletableFuture<GroupOffsets> fetch(String groupId, List<TopicPartition> requested, String memberId,
                                                  int memberEpoch, boolean requireStable) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.completedFuture(new GroupOffsets(Errors.INVALID_GROUP_ID, empty(requested)));
        }
        return groups.forGroup(groupId, shard -> {
                    Errors invalid = shard.validateOffsetFetch(groupId, memberId, memberEpoch);
                    return CompletableFuture.completedFuture(invalid != Errors.NONE
                            ? new GroupOffsets(invalid, empty(requested))
                            : new GroupOffsets(Errors.NONE, shard.fetchOffsets(groupId, requested),
                                    requireStable ? shard.partitionsWithPendingTransactionalOffsets(groupId) : Set.of()));
                })
                .exceptionally(e -> new GroupOffsets(GroupErrors.of(e), empty(requested)));
    }

    private static Map<TopicPartition, OffsetValue> empty(List<TopicPartition> requested) {
        Map<TopicPartition, OffsetValue> out = new LinkedHashMap<>();
        if (requested != null) {
            requested.forEach(tp -> out.put(tp, null));
        }
        return out;
    }

    /** v10: every topic by id; offsets of topics that no longer exist have none, so they are left out. */
    private static void withTopicIds(OffsetFetchResponseGroup answer, MetadataImage image,
                                     List<OffsetFetchRequestTopics> unknownIds) {
        answer.topics().removeIf(t -> TopicIds.id(image, t.name()) == null);
        answer.topics().forEach(t -> t.setTopicId(TopicIds.id(image, t.name())));
        for (OffsetFetchRequestTopics t : unknownIds) {
            OffsetFetchResponseTopics out = new OffsetFetchResponseTopics().setTopicId(t.topicId());
            t.partitionIndexes().forEach(p -> out.partitions().add(new OffsetFetchResponsePartitions()
                    .setPartitionIndex(p).setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("")
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())));
            answer.topics().add(out);
        }
    }

    private static OffsetFetchResponseGroup groupAnswer(String groupId, GroupOffsets r) {
        OffsetFetchResponseGroup group = new OffsetFetchResponseGroup().setGroupId(groupId).setErrorCode(r.error.code());
        Map<String, OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
        r.offsets.keySet().forEach(tp -> {
            OffsetValue v = r.offset(tp);
            byTopic.computeIfAbsent(tp.topic(), n -> new OffsetFetchResponseTopics().setName(n))
                .partitions().add(new OffsetFetchResponsePartitions().setPartitionIndex(tp.partition())
                        .setCommittedOffset(v == null ? -1 : v.offset())
                        .setCommittedLeaderEpoch(v == null ? -1 : v.leaderEpoch())
                        .setMetadata(v == null ? "" : v.metadata())
                        .setErrorCode(r.partitionError(tp, Errors.NONE.code())));
        });
        group.setTopics(new ArrayList<>(byTopic.values()));
        return group;
    }

    private static OffsetFetchResponseData singleAnswer(GroupOffsets r, short version) {
        OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (version >= TOP_LEVEL_ERROR_SINCE) {
            response.setErrorCode(r.error.code());
        }
        // v1 has no top-level error: each partition carries the group's error.
        short partitionError = version < TOP_LEVEL_ERROR_SINCE ? r.error.code() : Errors.NONE.code();
        Map<String, OffsetFetchResponseTopic> byTopic = new LinkedHashMap<>();
        r.offsets.keySet().forEach(tp -> {
            OffsetValue v = r.offset(tp);
            byTopic.computeIfAbsent(tp.topic(), n -> new OffsetFetchResponseTopic().setName(n))
                .partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(tp.partition())
                        .setCommittedOffset(v == null ? -1 : v.offset())
                        .setCommittedLeaderEpoch(v == null ? -1 : v.leaderEpoch())
                        .setMetadata(v == null ? "" : v.metadata())
                        .setErrorCode(r.partitionError(tp, partitionError)));
        });
        response.setTopics(new ArrayList<>(byTopic.values()));
        return response;
    }
}
