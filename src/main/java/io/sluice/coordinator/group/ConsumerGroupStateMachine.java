package io.sluice.coordinator.group;

import static io.sluice.coordinator.group.ConsumerGroupRecordSerde.CURRENT_KEY;
import static io.sluice.coordinator.group.ConsumerGroupRecordSerde.MEMBER_KEY;
import static io.sluice.coordinator.group.ConsumerGroupRecordSerde.TARGET_KEY;

import io.sluice.coordinator.CoordinatorRecord;
import io.sluice.coordinator.RecordAppender;
import io.sluice.coordinator.group.ConsumerGroupRecordSerde.ConsumerKey;
import io.sluice.coordinator.group.ConsumerGroupRecordSerde.GroupMetadataKey;
import io.sluice.coordinator.group.ConsumerGroupRecordSerde.GroupMetadataValue;
import io.sluice.coordinator.group.ConsumerGroupRecordSerde.MemberKey;
import io.sluice.coordinator.group.ConsumerMember.Current;
import io.sluice.coordinator.group.ConsumerMember.MemberState;
import io.sluice.coordinator.group.ConsumerMember.Subscription;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * KIP-848 consumer groups of one coordinator partition: ConsumerGroupHeartbeat (join, subscribe,
 * reconcile, leave), session and revocation timeouts. Every change is first written as records and
 * then applied by replaying those same records, so memory never runs ahead of the log and loading
 * a partition rebuilds exactly what the members were told. Runs on the partition's serial executor.
 */
final class ConsumerGroupStateMachine {
    private static final Logger LOG = Logger.getLogger(ConsumerGroupStateMachine.class);
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    private final Map<String, ConsumerGroup> groups;
    private final Map<String, ClassicGroup> classicGroups;
    private final RebalanceTimers timers;
    private final RecordAppender appender;
    private final ConsumerGroupConfig config;
    private final Supplier<MetadataImage> image;
    private final Map<String, PartitionAssignor> assignors = new LinkedHashMap<>();

    ConsumerGroupStateMachine(Map<String, ConsumerGroup> groups, Map<String, ClassicGroup> classicGroups,
                              RebalanceTimers timers, RecordAppender appender, ConsumerGroupConfig config,
                              Supplier<MetadataImage> image) {
        this.groups = groups;
        this.classicGroups = classicGroups;
        this.timers = timers;
        this.appender = appender;
        this.config = config;
        this.image = image;
        for (String name : config.assignors()) {
            PartitionAssignor a = switch (name) {
                case UniformAssignor.NAME -> new UniformAssignor();
                case RangeAssignor.NAME -> new RangeAssignor();
                default -> throw new IllegalArgumentException("unknown group.consumer.assignors entry " + name);
            };
            assignors.put(name, a);
        }
    }

    /** A heartbeat refused: the error and, for the client's log, why. */
    private static final class Refused extends RuntimeException {
        final Errors error;

        Refused(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    // ------------------------------------------------------------------ replay

    void replay(ConsumerKey key, byte[] value) {
        if (key instanceof GroupMetadataKey k) {
            if (value == null) {
                groups.remove(k.group());
                return;
            }
            GroupMetadataValue v = ConsumerGroupRecordSerde.readGroupMetadataValue(value);
            ConsumerGroup g = groups.computeIfAbsent(k.group(), ConsumerGroup::new);
            g.groupEpoch = v.groupEpoch();
            g.assignmentEpoch = v.assignmentEpoch();
            g.assignorName = v.assignorName() == null ? "" : v.assignorName();
            // A consumer group takes over a classic group of the same id that only held offsets.
            classicGroups.remove(k.group());
            return;
        }
        MemberKey k = (MemberKey) key;
        ConsumerGroup g = groups.get(k.group());
        if (g == null) {
            if (value == null) {
                return;
            }
            g = groups.computeIfAbsent(k.group(), ConsumerGroup::new);
        }
        ConsumerMember m = g.members.get(k.memberId());
        switch (k.type()) {
            case MEMBER_KEY -> {
                if (value == null) {
                    g.members.remove(k.memberId());
                } else {
                    Subscription s = ConsumerGroupRecordSerde.readSubscriptionValue(value);
                    g.members.put(k.memberId(), new ConsumerMember(k.memberId(), s, m == null ? Current.JOINING : m.current()));
                }
            }
            case TARGET_KEY -> {
                if (value == null) {
                    g.target.remove(k.memberId());
                } else {
                    g.target.put(k.memberId(), ConsumerGroupRecordSerde.readTargetValue(value));
                }
            }
            case CURRENT_KEY -> {
                if (value != null && m != null) {
                    g.members.put(k.memberId(), m.with(ConsumerGroupRecordSerde.readCurrentValue(value)));
                }
            }
            default -> throw new IllegalArgumentException("unknown consumer group key type " + k.type());
        }
    }

    private void appendAndApply(List<CoordinatorRecord> records) {
        appender.append(records);
        for (CoordinatorRecord r : records) {
            replay((ConsumerKey) GroupRecordSerde.readKey(r.key()), r.value());
        }
    }

    /** After a load every member must heartbeat again within its session, or it is removed. */
    void onLoaded() {
        groups.values().forEach(g -> g.members.keySet().forEach(id -> scheduleSession(g.groupId, id)));
    }

    // ------------------------------------------------------------------ heartbeat

    ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData request, short version,
                                                 String clientId, String clientHost) {
        try {
            return handle(request, version, clientId, clientHost);
        } catch (Refused r) {
            return new ConsumerGroupHeartbeatResponseData().setErrorCode(r.error.code()).setErrorMessage(r.getMessage());
        } catch (RuntimeException e) {
            // A failed append: nothing was applied, so the member may simply retry.
            return new ConsumerGroupHeartbeatResponseData().setErrorCode(Errors.forException(e).code())
                    .setErrorMessage(e.getMessage());
        }
    }

    private ConsumerGroupHeartbeatResponseData handle(ConsumerGroupHeartbeatRequestData request, short version,
                                                      String clientId, String clientHost) {
        validate(request, version);
        String groupId = request.groupId();
        int epoch = request.memberEpoch();
        ClassicGroup classic = classicGroups.get(groupId);
        if (classic != null && !classic.members.isEmpty()) {
            throw new Refused(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a consumer group.");
        }
        ConsumerGroup group = groups.get(groupId);
        if (group == null && epoch != 0) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Group " + groupId + " has no member " + request.memberId()
                    + "; join with member epoch 0.");
        }
        if (group == null) {
            group = new ConsumerGroup(groupId);
        }
        String memberId = request.memberId();
        if (memberId == null || memberId.isEmpty()) {
            memberId = Uuid.randomUuid().toString(); // v0 only: the coordinator names the member
        }
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            return leave(group, memberId, request.instanceId(), epoch);
        }
        List<CoordinatorRecord> records = new ArrayList<>();
        ConsumerMember member = group.members.get(memberId);
        Current current;
        Map<Uuid, SortedSet<Integer>> previousTarget = null;
        if (epoch == 0) {
            if (member == null && group.members.size() >= config.maxSize()) {
                throw new Refused(Errors.GROUP_MAX_SIZE_REACHED, "Group " + groupId + " already has "
                        + group.members.size() + " members (group.consumer.max.size).");
            }
            current = Current.JOINING;
            if (request.instanceId() != null) {
                ConsumerMember prior = group.staticMember(request.instanceId());
                if (prior != null && !prior.memberId().equals(memberId)) {
                    if (prior.current().memberEpoch() != STATIC_LEAVE_EPOCH) {
                        throw new Refused(Errors.UNRELEASED_INSTANCE_ID, "Static member " + request.instanceId()
                                + " is still in use by member " + prior.memberId() + ".");
                    }
                    // A static member back under a new member id takes over its predecessor's place and partitions.
                    member = new ConsumerMember(memberId, prior.subscription(), prior.current());
                    previousTarget = group.targetOf(prior.memberId());
                    current = new Current(prior.current().previousMemberEpoch(), -1, prior.current().state(),
                            prior.current().assigned(), prior.current().pendingRevocation());
                    records.addAll(memberTombstones(groupId, prior.memberId()));
                    timers.cancel(sessionTimer(groupId, prior.memberId()));
                }
            }
        } else {
            if (member == null) {
                throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group " + groupId + ".");
            }
            current = member.current();
            if (epoch != current.memberEpoch()) {
                Map<Uuid, SortedSet<Integer>> owned = owned(request);
                boolean lostResponse = epoch == current.previousMemberEpoch()
                        && (owned == null || TopicPartitions.minus(owned, current.assigned()).isEmpty());
                if (!lostResponse) {
                    throw new Refused(Errors.FENCED_MEMBER_EPOCH, "Member " + memberId + " sent epoch " + epoch
                            + " but its epoch is " + current.memberEpoch() + ".");
                }
            }
        }
        Subscription old = member == null ? null : member.subscription();
        Subscription subscription = merge(old, request, clientId, clientHost);
        boolean subscriptionChanged = old == null || !old.equals(subscription) || previousTarget != null;
        boolean rebalance = old == null || !Objects.equals(old.topicNames(), subscription.topicNames())
                || !Objects.equals(old.topicRegex(), subscription.topicRegex())
                || !Objects.equals(old.serverAssignor(), subscription.serverAssignor());
        if (subscriptionChanged) {
            records.add(new CoordinatorRecord(ConsumerGroupRecordSerde.memberKey(MEMBER_KEY, groupId, memberId),
                    ConsumerGroupRecordSerde.subscriptionValue(subscription)));
        }
        if (previousTarget != null) {
            records.add(targetRecord(groupId, memberId, previousTarget));
        }

        // The members as they will be, to decide whether the subscribed topics (and so the target) change.
        Map<String, ConsumerMember> members = new TreeMap<>(group.members);
        if (previousTarget != null) {
            members.values().removeIf(m -> request.instanceId().equals(m.subscription().instanceId()));
        }
        members.put(memberId, new ConsumerMember(memberId, subscription, current));
        MetadataImage img = image.get();
        Map<String, Integer> topics = subscribedTopics(members.values(), img);
        rebalance |= !topics.equals(group.subscribedTopics);

        int assignmentEpoch = group.assignmentEpoch;
        Map<String, Map<Uuid, SortedSet<Integer>>> target = new HashMap<>(group.target);
        if (previousTarget != null) {
            target.put(memberId, previousTarget);
        }
        if (rebalance || group.groupEpoch > group.assignmentEpoch) {
            int groupEpoch = group.groupEpoch + 1;
            records.addAll(assign(group, members, img, groupEpoch, target));
            assignmentEpoch = groupEpoch;
        }

        Map<Uuid, SortedSet<Integer>> memberTarget = target.getOrDefault(memberId, TopicPartitions.EMPTY);
        String self = memberId;
        Current next = MemberReconciler.next(current, assignmentEpoch, memberTarget, owned(request),
                (topic, p) -> ConsumerGroup.heldByOther(members.values(), self, topic, p));
        if (!next.equals(member == null ? null : member.current()) || subscriptionChanged) {
            records.add(new CoordinatorRecord(ConsumerGroupRecordSerde.memberKey(CURRENT_KEY, groupId, memberId),
                    ConsumerGroupRecordSerde.currentValue(next)));
        }
        appendAndApply(records);
        ConsumerGroup applied = groups.get(groupId);
        if (applied != null) {
            applied.subscribedTopics = topics;
        }
        scheduleSession(groupId, memberId);
        if (next.state() == MemberState.UNREVOKED_PARTITIONS) {
            if (current.state() != MemberState.UNREVOKED_PARTITIONS) {
                scheduleRevocationDeadline(groupId, memberId, next.memberEpoch(), subscription.rebalanceTimeoutMs());
            }
        } else {
            timers.cancel(revocationTimer(groupId, memberId));
        }

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setMemberId(memberId).setMemberEpoch(next.memberEpoch())
                .setHeartbeatIntervalMs(config.heartbeatIntervalMs());
        Map<Uuid, SortedSet<Integer>> owned = owned(request);
        if (epoch == 0 || next.memberEpoch() != epoch || !next.assigned().equals(current.assigned())
                || (owned != null && !owned.equals(next.assigned()))) {
            ConsumerGroupHeartbeatResponseData.Assignment assignment = new ConsumerGroupHeartbeatResponseData.Assignment();
            next.assigned().forEach((topic, ps) -> assignment.topicPartitions().add(
                    new ConsumerGroupHeartbeatResponseData.TopicPartitions().setTopicId(topic)
                            .setPartitions(new ArrayList<>(ps))));
            response.setAssignment(assignment);
        }
        return response;
    }

    private void validate(ConsumerGroupHeartbeatRequestData request, short version) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            throw new Refused(Errors.INVALID_REQUEST, "GroupId can't be empty.");
        }
        int epoch = request.memberEpoch();
        if (version >= 1 && (request.memberId() == null || request.memberId().isEmpty())) {
            throw new Refused(Errors.INVALID_REQUEST, "MemberId can't be empty.");
        }
        if (epoch > 0 || epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            if (request.memberId() == null || request.memberId().isEmpty()) {
                throw new Refused(Errors.INVALID_REQUEST, "MemberId can't be empty.");
            }
        } else if (epoch == 0) {
            if (request.rebalanceTimeoutMs() == -1) {
                throw new Refused(Errors.INVALID_REQUEST, "RebalanceTimeoutMs must be provided in first request.");
            }
            if (request.topicPartitions() == null || !request.topicPartitions().isEmpty()) {
                throw new Refused(Errors.INVALID_REQUEST, "TopicPartitions must be empty when (re-)joining.");
            }
            boolean names = request.subscribedTopicNames() != null && !request.subscribedTopicNames().isEmpty();
            boolean regex = request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty();
            if (!names && !regex) {
                throw new Refused(Errors.INVALID_REQUEST,
                        "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else {
            throw new Refused(Errors.INVALID_REQUEST, "MemberEpoch is invalid.");
        }
        if (epoch == STATIC_LEAVE_EPOCH && request.instanceId() == null) {
            throw new Refused(Errors.INVALID_REQUEST, "InstanceId can't be null when leaving with epoch -2.");
        }
        if (request.serverAssignor() != null && !assignors.containsKey(request.serverAssignor())) {
            throw new Refused(Errors.UNSUPPORTED_ASSIGNOR, "ServerAssignor " + request.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", assignors.keySet()) + ".");
        }
        if (request.subscribedTopicRegex() != null && !request.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(request.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new Refused(Errors.INVALID_REGULAR_EXPRESSION, "SubscribedTopicRegex `"
                        + request.subscribedTopicRegex() + "` is not a valid regular expression: " + e.getDescription());
            }
        }
    }

    /** The new subscription: fields the client left null keep their previous value. */
    private static Subscription merge(Subscription old, ConsumerGroupHeartbeatRequestData r, String clientId,
                                      String clientHost) {
        return new Subscription(
                r.instanceId() != null ? r.instanceId() : old == null ? null : old.instanceId(),
                r.rackId() != null ? r.rackId() : old == null ? null : old.rackId(),
                clientId, clientHost,
                r.rebalanceTimeoutMs() != -1 ? r.rebalanceTimeoutMs() : old == null ? 300_000 : old.rebalanceTimeoutMs(),
                r.subscribedTopicNames() != null ? r.subscribedTopicNames() : old == null ? List.of() : old.topicNames(),
                r.subscribedTopicRegex() != null ? emptyToNull(r.subscribedTopicRegex())
                        : old == null ? null : old.topicRegex(),
                r.serverAssignor() != null ? r.serverAssignor() : old == null ? null : old.serverAssignor());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static Map<Uuid, SortedSet<Integer>> owned(ConsumerGroupHeartbeatRequestData request) {
        if (request.topicPartitions() == null) {
            return null;
        }
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        request.topicPartitions().forEach(tp -> out.computeIfAbsent(tp.topicId(), t -> new TreeSet<>())
                .addAll(tp.partitions()));
        return TopicPartitions.copyOf(out);
    }

    // ------------------------------------------------------------------ assignment

    /** Existing topics the members subscribe to, by name or regex, with their partition counts. */
    static Map<String, Integer> subscribedTopics(Iterable<ConsumerMember> members, MetadataImage img) {
        Map<String, Integer> out = new TreeMap<>();
        for (ConsumerMember m : members) {
            for (String name : subscribedTopicNames(m.subscription(), img)) {
                img.topic(name).ifPresent(t -> out.put(name, t.partitions().size()));
            }
        }
        return out;
    }

    private static Set<String> subscribedTopicNames(Subscription s, MetadataImage img) {
        Set<String> names = new TreeSet<>(s.topicNames());
        if (s.topicRegex() != null) {
            Pattern pattern = Pattern.compile(s.topicRegex());
            for (TopicImage t : img.topics().values()) {
                if (!t.isInternal() && pattern.matcher(t.name()).matches()) {
                    names.add(t.name());
                }
            }
        }
        return names;
    }

    /**
     * A new group epoch and the target assignment for it: the group record, plus a target record for
     * each member whose target changed. {@code target} is updated to the new target.
     */
    private List<CoordinatorRecord> assign(ConsumerGroup group, Map<String, ConsumerMember> members, MetadataImage img,
                                           int groupEpoch, Map<String, Map<Uuid, SortedSet<Integer>>> target) {
        PartitionAssignor assignor = chooseAssignor(members.values());
        Map<String, Set<Uuid>> subscriptions = new HashMap<>();
        Map<Uuid, Integer> counts = new HashMap<>();
        for (ConsumerMember m : members.values()) {
            Set<Uuid> ids = new TreeSet<>();
            for (String name : subscribedTopicNames(m.subscription(), img)) {
                img.topic(name).ifPresent(t -> {
                    ids.add(t.id());
                    counts.put(t.id(), t.partitions().size());
                });
            }
            subscriptions.put(m.memberId(), ids);
        }
        Map<String, Map<Uuid, SortedSet<Integer>>> next = assignor.assign(subscriptions, counts, target);
        List<CoordinatorRecord> records = new ArrayList<>();
        records.add(new CoordinatorRecord(ConsumerGroupRecordSerde.groupMetadataKey(group.groupId),
                ConsumerGroupRecordSerde.groupMetadataValue(new GroupMetadataValue(groupEpoch, groupEpoch, assignor.name()))));
        for (String m : members.keySet()) {
            Map<Uuid, SortedSet<Integer>> t = next.getOrDefault(m, TopicPartitions.EMPTY);
            if (!t.equals(target.get(m))) {
                records.add(targetRecord(group.groupId, m, t));
            }
        }
        target.clear();
        target.putAll(next);
        return records;
    }

    /** The assignor most members asked for; the configured default if none asked. */
    private PartitionAssignor chooseAssignor(Iterable<ConsumerMember> members) {
        Map<String, Integer> votes = new TreeMap<>();
        for (ConsumerMember m : members) {
            if (m.subscription().serverAssignor() != null) {
                votes.merge(m.subscription().serverAssignor(), 1, Integer::sum);
            }
        }
        String best = config.assignors().get(0);
        int most = 0;
        for (var e : votes.entrySet()) {
            if (e.getValue() > most && assignors.containsKey(e.getKey())) {
                best = e.getKey();
                most = e.getValue();
            }
        }
        return assignors.get(best);
    }

    private static CoordinatorRecord targetRecord(String groupId, String memberId, Map<Uuid, SortedSet<Integer>> t) {
        return new CoordinatorRecord(ConsumerGroupRecordSerde.memberKey(TARGET_KEY, groupId, memberId),
                ConsumerGroupRecordSerde.targetValue(t));
    }

    // ------------------------------------------------------------------ leaving

    private ConsumerGroupHeartbeatResponseData leave(ConsumerGroup group, String memberId, String instanceId, int epoch) {
        ConsumerMember member = group.members.get(memberId);
        if (member == null && instanceId != null) {
            member = group.staticMember(instanceId);
        }
        if (member == null) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not in group " + group.groupId + ".");
        }
        if (epoch == STATIC_LEAVE_EPOCH) {
            // A static member going away for a while keeps its partitions until its session expires.
            Current c = member.current();
            Current away = new Current(STATIC_LEAVE_EPOCH, c.memberEpoch(), c.state(), c.assigned(), c.pendingRevocation());
            appendAndApply(List.of(new CoordinatorRecord(
                    ConsumerGroupRecordSerde.memberKey(CURRENT_KEY, group.groupId, member.memberId()),
                    ConsumerGroupRecordSerde.currentValue(away))));
        } else {
            removeMember(group, member.memberId());
        }
        return new ConsumerGroupHeartbeatResponseData().setMemberId(member.memberId()).setMemberEpoch(epoch)
                .setHeartbeatIntervalMs(0);
    }

    /** Removes a member (left, session expired, or too slow to revoke) and assigns its partitions anew. */
    private void removeMember(ConsumerGroup group, String memberId) {
        List<CoordinatorRecord> records = new ArrayList<>(memberTombstones(group.groupId, memberId));
        Map<String, ConsumerMember> members = new TreeMap<>(group.members);
        members.remove(memberId);
        Map<String, Map<Uuid, SortedSet<Integer>>> target = new HashMap<>(group.target);
        target.remove(memberId);
        MetadataImage img = image.get();
        records.addAll(assign(group, members, img, group.groupEpoch + 1, target));
        appendAndApply(records);
        group.subscribedTopics = subscribedTopics(members.values(), img);
        timers.cancel(sessionTimer(group.groupId, memberId));
        timers.cancel(revocationTimer(group.groupId, memberId));
    }

    private static List<CoordinatorRecord> memberTombstones(String groupId, String memberId) {
        return List.of(
                CoordinatorRecord.tombstone(ConsumerGroupRecordSerde.memberKey(CURRENT_KEY, groupId, memberId)),
                CoordinatorRecord.tombstone(ConsumerGroupRecordSerde.memberKey(TARGET_KEY, groupId, memberId)),
                CoordinatorRecord.tombstone(ConsumerGroupRecordSerde.memberKey(MEMBER_KEY, groupId, memberId)));
    }

    // ------------------------------------------------------------------ timers

    private static String sessionTimer(String groupId, String memberId) {
        return "consumer-session\u0000" + groupId + "\u0000" + memberId;
    }

    private static String revocationTimer(String groupId, String memberId) {
        return "consumer-revocation\u0000" + groupId + "\u0000" + memberId;
    }

    private void scheduleSession(String groupId, String memberId) {
        timers.schedule(sessionTimer(groupId, memberId), config.sessionTimeoutMs(), () ->
                expire(groupId, memberId, "its session timed out"));
    }

    /** KIP-848: a member that does not confirm a revocation within its rebalance timeout is fenced. */
    private void scheduleRevocationDeadline(String groupId, String memberId, int epoch, int rebalanceTimeoutMs) {
        timers.schedule(revocationTimer(groupId, memberId), rebalanceTimeoutMs, () -> {
            ConsumerGroup g = groups.get(groupId);
            ConsumerMember m = g == null ? null : g.members.get(memberId);
            if (m != null && m.current().state() == MemberState.UNREVOKED_PARTITIONS && m.current().memberEpoch() == epoch) {
                expire(groupId, memberId, "it did not revoke its partitions within the rebalance timeout");
            }
        });
    }

    private void expire(String groupId, String memberId, String why) {
        ConsumerGroup g = groups.get(groupId);
        if (g == null || !g.members.containsKey(memberId)) {
            return;
        }
        try {
            removeMember(g, memberId);
            LOG.infof("Removed member %s from consumer group %s: %s", memberId, groupId, why);
        } catch (RuntimeException e) {
            // The records could not be written; try again a session later rather than forget it.
            LOG.warnf("Could not remove member %s from consumer group %s: %s", memberId, groupId, e.getMessage());
            scheduleSession(groupId, memberId);
        }
    }
}
