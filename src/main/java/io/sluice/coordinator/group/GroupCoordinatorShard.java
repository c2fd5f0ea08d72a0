package io.sluice.coordinator.group;

import io.sluice.coordinator.CoordinatorRecord;
import io.sluice.coordinator.CoordinatorShard;
import io.sluice.coordinator.RecordAppender;
import io.sluice.coordinator.group.GroupRecordSerde.GroupKey;
import io.sluice.coordinator.group.GroupRecordSerde.GroupValue;
import io.sluice.coordinator.group.GroupRecordSerde.MemberValue;
import io.sluice.coordinator.group.GroupRecordSerde.OffsetKey;
import io.sluice.coordinator.group.GroupRecordSerde.OffsetValue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.function.Supplier;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * The groups and committed offsets of one {@code __consumer_offsets} partition. Rebuilt by replaying
 * the partition's records; afterwards changed only by operations that first append their records
 * (so a reply never describes state the log does not hold). Runs on the partition's serial executor.
 */
public final class GroupCoordinatorShard implements CoordinatorShard {
    private static final Logger LOG = Logger.getLogger(GroupCoordinatorShard.class);
    static final String CONSUMER_PROTOCOL_TYPE = "consumer";
    private static final String RETENTION_TIMER = "offsets-retention";

    private final int partition;
    private final Map<String, ClassicGroup> groups = new LinkedHashMap<>();
    private final OffsetStore offsets;
    /** Offsets committed inside open transactions, by producer id: applied on COMMIT, dropped on ABORT (KIP-98). */
    private final Map<Long, Map<String, Map<TopicPartition, OffsetValue>>> pendingTxnOffsets = new java.util.HashMap<>();
    private final RecordAppender appender;
    private final GroupConfig config;
    private final LongSupplier clock;
    private final RebalanceTimers timers;
    private final Supplier<MetadataImage> image;
    private final ClassicGroupStateMachine classic;
    /** KIP-848 groups; a group id is either here or in {@link #groups}, never both. */
    private final Map<String, ConsumerGroup> consumerGroups = new LinkedHashMap<>();
    private final ConsumerGroupStateMachine consumer;

    public GroupCoordinatorShard(int partition, RecordAppender appender, Executor executor,
                                 ScheduledExecutorService scheduler, GroupConfig config, LongSupplier clock) {
        // Lag gauges into a registry nobody scrapes: a shard on its own has no broker to report through.
        this(partition, appender, executor, scheduler, config, ConsumerGroupConfig.DEFAULTS,
                () -> MetadataImage.empty(""), clock,
                new ConsumerLagMetrics(new SimpleMeterRegistry(), tp -> java.util.OptionalLong.empty()));
    }

    public GroupCoordinatorShard(int partition, RecordAppender appender, Executor executor,
                                 ScheduledExecutorService scheduler, GroupConfig config,
                                 ConsumerGroupConfig consumerConfig, Supplier<MetadataImage> image, LongSupplier clock,
                                 ConsumerLagMetrics lag) {
        this.partition = partition;
        this.offsets = new OffsetStore(lag);
        this.appender = appender;
        this.config = config;
        this.clock = clock;
        this.timers = new RebalanceTimers(scheduler, executor);
        this.classic = new ClassicGroupStateMachine(groups, timers, appender, config, clock);
        this.consumer = new ConsumerGroupStateMachine(consumerGroups, groups, timers, appender, consumerConfig, image);
        this.image = image;
    }

    // ------------------------------------------------------------------ load / unload

    @Override
    public void replay(byte[] key, byte[] value) {
        GroupRecordSerde.Key decoded = GroupRecordSerde.readKey(key);
        if (decoded instanceof OffsetKey k) {
            if (value == null) {
                offsets.remove(k.group(), k.partition());
            } else {
                offsets.put(k.group(), k.partition(), GroupRecordSerde.readOffsetValue(value));
                if (!consumerGroups.containsKey(k.group())) {
                    groups.computeIfAbsent(k.group(), g -> new ClassicGroup(g, clock.getAsLong()));
                }
            }
        } else if (decoded instanceof GroupKey k) {
            if (value == null) {
                groups.remove(k.group());
            } else {
                groups.put(k.group(), restore(k.group(), GroupRecordSerde.readGroupValue(value)));
            }
        } else if (decoded instanceof ConsumerGroupRecordSerde.ConsumerKey k) {
            consumer.replay(k, value);
        }
    }

    @Override
    public void replayTransactional(long producerId, byte[] key, byte[] value) {
        if (GroupRecordSerde.readKey(key) instanceof OffsetKey k && value != null) {
            pendingTxnOffsets.computeIfAbsent(producerId, p -> new LinkedHashMap<>())
                    .computeIfAbsent(k.group(), g -> new LinkedHashMap<>())
                    .put(k.partition(), GroupRecordSerde.readOffsetValue(value));
        }
    }

    @Override
    public void replayEndTransaction(long producerId, boolean committed) {
        completeTransaction(producerId, committed);
    }

    private static ClassicGroup restore(String groupId, GroupValue value) {
        ClassicGroup group = new ClassicGroup(groupId, value.stateTimestamp());
        group.protocolType = value.protocolType();
        group.generationId = value.generation();
        group.protocolName = value.protocol();
        for (MemberValue m : value.members()) {
            GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                    List.of(new GroupMember.Protocol(value.protocol(), m.subscription())));
            member.assignment = m.assignment() == null ? new byte[0] : m.assignment();
            group.add(member);
        }
        group.leaderId = value.leader() != null && group.members.containsKey(value.leader()) ? value.leader()
                : group.leaderId;
        // A stored group with members was Stable when written; its members heartbeat again or time out.
        group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        return group;
    }

    @Override
    public void onLoaded() {
        offsets.startReporting();
        classic.onLoaded();
        consumer.onLoaded();
        scheduleRetention();
    }

    @Override
    public void onUnloaded() {
        offsets.stopReporting();
        classic.onUnloaded();
        timers.cancelAll();
    }

    // ------------------------------------------------------------------ classic membership

    public CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, short version, String clientId,
                                                         String clientHost) {
        ConsumerGroup consumerGroup = consumerGroups.get(request.groupId());
        if (consumerGroup != null && consumerGroup.members.isEmpty()) {
            // An empty KIP-848 group becomes a classic one (its offsets stay): drop its group record first.
            try {
                appender.append(List.of(CoordinatorRecord.tombstone(
                        ConsumerGroupRecordSerde.groupMetadataKey(request.groupId()))));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(new JoinGroupResponseData()
                        .setErrorCode(Errors.forException(e).code()).setMemberId(request.memberId()).setGenerationId(-1));
            }
            consumerGroups.remove(request.groupId());
        } else if (consumerGroup != null) {
            // A classic member cannot join a KIP-848 group that has members (no online migration here).
            return CompletableFuture.completedFuture(new JoinGroupResponseData()
                    .setErrorCode(Errors.INCONSISTENT_GROUP_PROTOCOL.code()).setMemberId(request.memberId())
                    .setGenerationId(-1).setProtocolName(version >= 7 ? null : "").setLeader("")
                    .setProtocolType(null));
        }
        return classic.join(request, version, clientId, clientHost);
    }

    // ------------------------------------------------------------------ KIP-848 membership

    public ConsumerGroupHeartbeatResponseData consumerGroupHeartbeat(ConsumerGroupHeartbeatRequestData request,
                                                                     short version, String clientId, String clientHost) {
        return consumer.heartbeat(request, version, clientId, clientHost);
    }

    /** ConsumerGroupDescribe of one group: GROUP_ID_NOT_FOUND for an unknown or classic group, as Kafka answers. */
    public ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(String groupId) {
        ConsumerGroup g = consumerGroups.get(groupId);
        if (g == null) {
            String why = groups.containsKey(groupId) ? "Group " + groupId + " is not a consumer group."
                    : "Group " + groupId + " not found.";
            return new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                    .setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(why);
        }
        return ConsumerGroupDescriber.describe(g, image.get());
    }

    public CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
        return classic.sync(request);
    }

    public Errors heartbeat(HeartbeatRequestData request) {
        return classic.heartbeat(request);
    }

    public List<MemberResponse> leave(String groupId, List<MemberIdentity> members) {
        return classic.leave(groupId, members);
    }

    // ------------------------------------------------------------------ offsets

    public OffsetCommitResponseData commitOffsets(OffsetCommitRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        ConsumerGroup consumerGroup = consumerGroups.get(request.groupId());
        Errors invalid = consumerGroup != null
                ? validateConsumerCommit(consumerGroup, request.memberId(), request.generationIdOrMemberEpoch())
                : validateCommit(group, request.memberId(), request.groupInstanceId(),
                request.generationIdOrMemberEpoch());
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        long now = clock.getAsLong();
        OffsetCommitBatch batch = new OffsetCommitBatch(request.groupId(), invalid, config.maxMetadataBytes(), now);
        for (OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(out);
            for (OffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = batch.add(topic.name(), p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(),
                        p.committedMetadata());
                out.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
        }
        if (batch.records().isEmpty()) {
            return response;
        }
        try {
            appender.append(batch.records());
        } catch (RecordTooLargeException | RecordBatchTooLargeException e) {
            return failAll(response, Errors.INVALID_COMMIT_OFFSET_SIZE);
        } catch (RuntimeException e) {
            return failAll(response, Errors.forException(e));
        }
        if (group == null && consumerGroup == null) {
            // A commit with no group management (generation -1): a "simple" group that only holds offsets.
            group = new ClassicGroup(request.groupId(), now);
            groups.put(group.groupId, group);
        }
        batch.values().forEach((tp, v) -> offsets.put(request.groupId(), tp, v));
        return response;
    }

    /**
     * TxnOffsetCommit (KIP-98/447): validated as an ordinary commit of the group, written as part of the producer's
     * transaction, and held apart until the transaction's marker reaches this partition.
     */
    public TxnOffsetCommitResponseData commitTransactionalOffsets(TxnOffsetCommitRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        ConsumerGroup consumerGroup = consumerGroups.get(request.groupId());
        Errors invalid = consumerGroup != null
                ? validateConsumerCommit(consumerGroup, request.memberId(), request.generationIdOrMemberEpoch())
                : validateCommit(group, request.memberId(), request.groupInstanceId(), request.generationIdOrMemberEpoch());
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        OffsetCommitBatch batch = new OffsetCommitBatch(request.groupId(), invalid, config.maxMetadataBytes(),
                clock.getAsLong());
        for (TxnOffsetCommitRequestTopic topic : request.topics()) {
            TxnOffsetCommitResponseTopic out = new TxnOffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(out);
            for (TxnOffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = batch.add(topic.name(), p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(),
                        p.committedMetadata());
                out.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
        }
        try {
            appender.appendTransactional(request.producerId(), request.producerEpoch(), batch.records());
        } catch (RecordTooLargeException | RecordBatchTooLargeException e) {
            return failAllTxn(response, Errors.INVALID_COMMIT_OFFSET_SIZE);
        } catch (RuntimeException e) {
            return failAllTxn(response, Errors.forException(e));
        }
        pendingTxnOffsets.computeIfAbsent(request.producerId(), pid -> new LinkedHashMap<>())
                .computeIfAbsent(request.groupId(), g -> new LinkedHashMap<>()).putAll(batch.values());
        return response;
    }

    private static TxnOffsetCommitResponseData failAllTxn(TxnOffsetCommitResponseData response, Errors error) {
        response.topics().forEach(t -> t.partitions().forEach(p -> {
            if (p.errorCode() == Errors.NONE.code()) {
                p.setErrorCode(error.code());
            }
        }));
        return response;
    }

    /** The partitions of a group with offsets committed in a transaction that has not ended yet. */
    public Set<TopicPartition> partitionsWithPendingTransactionalOffsets(String groupId) {
        Set<TopicPartition> out = new HashSet<>();
        pendingTxnOffsets.values().forEach(byGroup -> out.addAll(byGroup.getOrDefault(groupId, Map.of()).keySet()));
        return out;
    }

    /** The producer's transaction ended with a marker in this partition: its offsets become committed, or vanish. */
    public void completeTransaction(long producerId, boolean committed) {
        Map<String, Map<TopicPartition, OffsetValue>> pending = pendingTxnOffsets.remove(producerId);
        if (pending == null || !committed) {
            return;
        }
        pending.forEach((groupId, byPartition) -> {
            if (!groups.containsKey(groupId) && !consumerGroups.containsKey(groupId)) {
                groups.put(groupId, new ClassicGroup(groupId, clock.getAsLong())); // a group that only holds offsets
            }
            byPartition.forEach((tp, v) -> offsets.put(groupId, tp, v));
        });
    }

    private static OffsetCommitResponseData failAll(OffsetCommitResponseData response, Errors error) {
        response.topics().forEach(t -> t.partitions().forEach(p -> {
            if (p.errorCode() == Errors.NONE.code()) {
                p.setErrorCode(error.code());
            }
        }));
        return response;
    }

    /** Who may commit: a current member of the current generation, or anyone (generation -1) to an empty group. */
    private static Errors validateCommit(ClassicGroup group, String memberId, String instanceId, int generation) {
        if (group == null) {
            return generation < 0 ? Errors.NONE : Errors.ILLEGAL_GENERATION;
        }
        if (generation >= 0 || (memberId != null && !memberId.isEmpty()) || instanceId != null) {
            if (instanceId != null) {
                String mapped = group.staticMembers.get(instanceId);
                if (mapped != null && !mapped.equals(memberId)) {
                    return Errors.FENCED_INSTANCE_ID;
                }
            }
            if (!group.members.containsKey(memberId)) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (generation != group.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!group.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            return Errors.REBALANCE_IN_PROGRESS;
        }
        return Errors.NONE;
    }

    /**
     * KIP-848 members commit with their member epoch: an unknown member is UNKNOWN_MEMBER_ID, any epoch
     * but its current one STALE_MEMBER_EPOCH (it must catch up first). A commit outside the group
     * (no member id, negative epoch) is accepted only while the group has no members, as for classic groups.
     */
    private static Errors validateConsumerCommit(ConsumerGroup group, String memberId, int memberEpoch) {
        if ((memberId == null || memberId.isEmpty()) && memberEpoch < 0) {
            return group.members.isEmpty() ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
        }
        ConsumerMember member = group.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == member.current().memberEpoch() ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    /**
     * OffsetFetch v9+ names the fetching member: for a KIP-848 group it must be a member at its current
     * epoch (so a fenced member does not resume from offsets it no longer owns). Other fetches pass.
     */
    public Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
        ConsumerGroup g = consumerGroups.get(groupId);
        if (g == null || memberId == null || memberEpoch < 0) {
            return Errors.NONE;
        }
        ConsumerMember member = g.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == member.current().memberEpoch() ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    /** Committed offsets of a group; a requested partition without one maps to null. All of them if {@code requested} is null. */
    public Map<TopicPartition, OffsetValue> fetchOffsets(String groupId, List<TopicPartition> requested) {
        if (requested == null) {
            return offsets.all(groupId);
        }
        Map<TopicPartition, OffsetValue> out = new LinkedHashMap<>();
        for (TopicPartition tp : requested) {
            out.put(tp, offsets.get(groupId, tp));
        }
        return out;
    }

    /** OffsetDelete: top-level error, then per-partition errors. */
    public record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {}

    public OffsetDeleteResult deleteOffsets(String groupId, List<TopicPartition> requested) {
        ClassicGroup group = groups.get(groupId);
        if (group == null) {
            return new OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        Set<String> subscribed = new HashSet<>();
        if (!group.is(GroupState.EMPTY)) {
            if (!CONSUMER_PROTOCOL_TYPE.equals(group.protocolType)) {
                return new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of());
            }
            subscribed = subscribedTopics(group);
        }
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        for (TopicPartition tp : requested) {
            if (subscribed.contains(tp.topic())) {
                results.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                results.put(tp, Errors.NONE);
                if (offsets.get(groupId, tp) != null) {
                    tombstones.add(CoordinatorRecord.tombstone(GroupRecordSerde.offsetKey(groupId, tp)));
                }
            }
        }
        try {
            appender.append(tombstones);
        } catch (RuntimeException e) {
            return new OffsetDeleteResult(Errors.forException(e), Map.of());
        }
        results.forEach((tp, error) -> {
            if (error == Errors.NONE) {
                offsets.remove(groupId, tp);
            }
        });
        return new OffsetDeleteResult(Errors.NONE, results);
    }

    /** The topics a consumer group's members subscribe to, read from their subscriptions. */
    private static Set<String> subscribedTopics(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        for (GroupMember m : group.members.values()) {
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(
                        ByteBuffer.wrap(m.metadata(group.protocolName))).topics());
            } catch (RuntimeException e) {
                LOG.debugf("Unreadable subscription of member %s of group %s: %s", m.memberId, group.groupId, e.getMessage());
            }
        }
        return topics;
    }

    // ------------------------------------------------------------------ admin

    public List<ListedGroup> listGroups(Set<String> states, Set<String> types) {
        List<ListedGroup> out = new ArrayList<>();
        for (ClassicGroup g : groups.values()) {
            if (!states.isEmpty() && states.stream().noneMatch(s -> GroupState.matches(g.state, s))) {
                continue;
            }
            if (!types.isEmpty() && types.stream().noneMatch("classic"::equalsIgnoreCase)) {
                continue;
            }
            out.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setGroupState(g.state.wireName()).setGroupType("classic"));
        }
        for (ConsumerGroup g : consumerGroups.values()) {
            String state = g.state().wireName;
            if (!states.isEmpty() && states.stream().noneMatch(state::equalsIgnoreCase)) {
                continue;
            }
            if (!types.isEmpty() && types.stream().noneMatch("consumer"::equalsIgnoreCase)) {
                continue;
            }
            out.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(CONSUMER_PROTOCOL_TYPE)
                    .setGroupState(state).setGroupType("consumer"));
        }
        return out;
    }

    /** DescribeGroups for one group; null if it does not exist. */
    public DescribedGroup describe(String groupId) {
        if (consumerGroups.containsKey(groupId)) {
            // Kafka answers DescribeGroups for a KIP-848 group as for a group that does not exist.
            return new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                    .setErrorMessage("Group " + groupId + " is not a classic group.").setGroupState("Dead")
                    .setProtocolType("").setProtocolData("");
        }
        ClassicGroup g = groups.get(groupId);
        if (g == null) {
            return null;
        }
        DescribedGroup d = new DescribedGroup().setGroupId(groupId).setGroupState(g.state.wireName())
                .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                .setProtocolData(g.is(GroupState.STABLE) && g.protocolName != null ? g.protocolName : "");
        for (GroupMember m : g.members.values()) {
            boolean stable = g.is(GroupState.STABLE);
            d.members().add(new DescribedGroupMember().setMemberId(m.memberId).setGroupInstanceId(m.groupInstanceId)
                    .setClientId(m.clientId).setClientHost(m.clientHost)
                    .setMemberMetadata(stable ? m.metadata(g.protocolName) : new byte[0])
                    .setMemberAssignment(stable ? m.assignment : new byte[0]));
        }
        return d;
    }

    /** DeleteGroups for the groups of this partition: only empty ones, offsets and all. */
    public Map<String, Errors> deleteGroups(List<String> groupIds) {
        Map<String, Errors> results = new LinkedHashMap<>();
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        List<String> deleting = new ArrayList<>();
        for (String id : groupIds) {
            ClassicGroup g = groups.get(id);
            ConsumerGroup cg = consumerGroups.get(id);
            if (cg != null) {
                if (!cg.members.isEmpty()) {
                    results.put(id, Errors.NON_EMPTY_GROUP);
                } else {
                    deleting.add(id);
                    tombstones.addAll(groupTombstones(id));
                    results.put(id, Errors.NONE);
                }
            } else if (g == null) {
                results.put(id, Errors.GROUP_ID_NOT_FOUND);
            } else if (!g.is(GroupState.EMPTY)) {
                results.put(id, Errors.NON_EMPTY_GROUP);
            } else {
                deleting.add(id);
                tombstones.addAll(groupTombstones(id));
                results.put(id, Errors.NONE);
            }
        }
        try {
            appender.append(tombstones);
        } catch (RuntimeException e) {
            Errors error = Errors.forException(e);
            deleting.forEach(id -> results.put(id, error));
            return results;
        }
        deleting.forEach(this::forget);
        return results;
    }

    private List<CoordinatorRecord> groupTombstones(String groupId) {
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        offsets.all(groupId).keySet().forEach(tp ->
                tombstones.add(CoordinatorRecord.tombstone(GroupRecordSerde.offsetKey(groupId, tp))));
        tombstones.addAll(groupRecordTombstones(groupId));
        return tombstones;
    }

    /** The tombstones of an empty group's own record (members have none left): classic or KIP-848. */
    private List<CoordinatorRecord> groupRecordTombstones(String groupId) {
        return consumerGroups.containsKey(groupId)
                ? List.of(CoordinatorRecord.tombstone(GroupRecordSerde.groupKey(groupId)),
                        CoordinatorRecord.tombstone(ConsumerGroupRecordSerde.groupMetadataKey(groupId)))
                : List.of(CoordinatorRecord.tombstone(GroupRecordSerde.groupKey(groupId)));
    }

    private void forget(String groupId) {
        consumerGroups.remove(groupId);
        ClassicGroup g = groups.remove(groupId);
        if (g != null) {
            g.transitionTo(GroupState.DEAD, clock.getAsLong());
        }
        offsets.removeGroup(groupId);
    }

    // ------------------------------------------------------------------ retention

    private void scheduleRetention() {
        timers.schedule(RETENTION_TIMER, config.offsetsRetentionCheckIntervalMs(), () -> {
            expireOffsets();
            scheduleRetention();
        });
    }

    /**
     * KIP-211: offsets of a classic group expire only while it is empty: retention counts from when it
     * became empty, or for a group that never had members, from each commit. A KIP-848 group keeps no
     * time of becoming empty; as in Kafka, its retention counts from each commit, and (KIP-496) it
     * applies to the offsets of every topic no member subscribes to, all of them once the group is
     * empty. An empty group left with no offsets is deleted.
     */
    void expireOffsets() {
        long now = clock.getAsLong();
        for (ClassicGroup g : List.copyOf(groups.values())) {
            if (g.is(GroupState.EMPTY) && g.pendingMembers.isEmpty()
                    && !expireOffsetsOf(g.groupId, true, now, topic -> false, v -> g.protocolType == null
                            ? v.commitTimestamp() : Math.max(g.stateTimestamp, v.commitTimestamp()))) {
                return;
            }
        }
        for (ConsumerGroup g : List.copyOf(consumerGroups.values())) {
            if (!expireOffsetsOf(g.groupId, g.members.isEmpty(), now, g::subscribesTo, OffsetValue::commitTimestamp)) {
                return;
            }
        }
    }

    /**
     * Expires the group's offsets of unsubscribed topics whose retention (from retentionStart) is
     * over; false if that could not be written.
     */
    private boolean expireOffsetsOf(String groupId, boolean groupEmpty, long now, Predicate<String> subscribed,
                                    ToLongFunction<OffsetValue> retentionStart) {
        long retention = config.offsetsRetentionMs();
        List<TopicPartition> expired = new ArrayList<>();
        offsets.all(groupId).forEach((tp, v) -> {
            if (!subscribed.test(tp.topic()) && retentionStart.applyAsLong(v) + retention <= now) {
                expired.add(tp);
            }
        });
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        expired.forEach(tp -> tombstones.add(CoordinatorRecord.tombstone(GroupRecordSerde.offsetKey(groupId, tp))));
        boolean dropGroup = groupEmpty && expired.size() == offsets.all(groupId).size();
        if (dropGroup) {
            tombstones.addAll(groupRecordTombstones(groupId));
        }
        if (tombstones.isEmpty()) {
            return true;
        }
        try {
            appender.append(tombstones);
        } catch (RuntimeException e) {
            LOG.warnf("Could not expire offsets of group %s: %s", groupId, e.getMessage());
            return false;
        }
        expired.forEach(tp -> offsets.remove(groupId, tp));
        if (dropGroup) {
            forget(groupId);
        }
        LOG.debugf("Expired %d offsets of group %s%s", expired.size(), groupId, dropGroup ? " and the group" : "");
        return true;
    }

    int partition() {
        return partition;
    }
}
