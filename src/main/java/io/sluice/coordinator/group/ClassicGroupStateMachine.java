package io.sluice.coordinator.group;

import io.sluice.coordinator.CoordinatorRecord;
import io.sluice.coordinator.RecordAppender;
import io.sluice.coordinator.group.GroupRecordSerde.GroupValue;
import io.sluice.coordinator.group.GroupRecordSerde.MemberValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * The classic group protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup move a group through
 * Empty → PreparingRebalance → CompletingRebalance → Stable. The broker never assigns: it collects
 * the members' protocols, picks one they all support, hands the leader everyone's metadata, and
 * hands each member what the leader assigned. Eager and cooperative consumers look the same here
 * (cooperative clients simply rejoin again after revoking).
 *
 * <p>Every method runs on the partition's serial executor. Waiting answers are futures kept on the
 * member and completed later from the same executor. Timers (session, join, sync) make sure a
 * member that stops talking is removed and the others carry on without it.
 */
final class ClassicGroupStateMachine {
    private static final Logger LOG = Logger.getLogger(ClassicGroupStateMachine.class);
    /** Members that joined but never completed a join phase are dropped after this (Kafka's value). */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    private final Map<String, ClassicGroup> groups;
    private final RebalanceTimers timers;
    private final RecordAppender appender;
    private final GroupConfig config;
    private final LongSupplier clock;

    ClassicGroupStateMachine(Map<String, ClassicGroup> groups, RebalanceTimers timers, RecordAppender appender,
                             GroupConfig config, LongSupplier clock) {
        this.groups = groups;
        this.timers = timers;
        this.appender = appender;
        this.config = config;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ JoinGroup

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, short version, String clientId,
                                                  String clientHost) {
        CompletableFuture<JoinGroupResponseData> answer = new CompletableFuture<>();
        String memberId = request.memberId() == null ? "" : request.memberId();
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        List<String> names = protocols.stream().map(GroupMember.Protocol::name).toList();

        ClassicGroup group = groups.get(request.groupId());
        boolean created = false;
        if (group == null) {
            if (!memberId.isEmpty()) {
                return done(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
            group = new ClassicGroup(request.groupId(), clock.getAsLong());
            created = true;
        }
        if (!group.supports(request.protocolType(), names)) {
            return done(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        if (created) {
            groups.put(group.groupId, group);
        }
        JoinContext join = new JoinContext(request, version, clientId, clientHost, protocols, answer);
        if (memberId.isEmpty()) {
            joinNewMember(group, join);
        } else {
            joinKnownMember(group, memberId, join);
        }
        return answer;
    }

    private record JoinContext(JoinGroupRequestData request, short version, String clientId, String clientHost,
                               List<GroupMember.Protocol> protocols, CompletableFuture<JoinGroupResponseData> answer) {
        String instanceId() {
            return request.groupInstanceId();
        }
    }

    private void joinNewMember(ClassicGroup group, JoinContext join) {
        String instanceId = join.instanceId();
        if (instanceId != null && group.staticMembers.containsKey(instanceId)) {
            replaceStaticMember(group, group.staticMembers.get(instanceId), join);
            return;
        }
        if (group.size() >= config.maxGroupSize()) {
            join.answer.complete(joinError("", Errors.GROUP_MAX_SIZE_REACHED));
            return;
        }
        if (instanceId != null) {
            // A static member is identified by its instance id: it needs no round trip for a member id.
            addMemberAndRebalance(group, instanceId + "-" + UUID.randomUUID(), join);
        } else if (join.version >= 4) {
            // KIP-394: hand out the id first, so a client that retries after a lost answer is not counted twice.
            String newId = join.clientId + "-" + UUID.randomUUID();
            group.pendingMembers.add(newId);
            int timeout = join.request.sessionTimeoutMs();
            timers.schedule(pendingTimer(group, newId), timeout, () -> {
                if (groups.get(group.groupId) == group && group.pendingMembers.remove(newId)) {
                    tryCompleteJoin(group);
                }
            });
            join.answer.complete(joinError(newId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMemberAndRebalance(group, join.clientId + "-" + UUID.randomUUID(), join);
        }
    }

    private void joinKnownMember(ClassicGroup group, String memberId, JoinContext join) {
        if (group.pendingMembers.remove(memberId)) {
            timers.cancel(pendingTimer(group, memberId));
            addMemberAndRebalance(group, memberId, join);
            return;
        }
        Errors invalid = validateMember(group, memberId, join.instanceId());
        if (invalid != Errors.NONE) {
            join.answer.complete(joinError(memberId, invalid));
            return;
        }
        GroupMember member = group.members.get(memberId);
        switch (group.state) {
            case PREPARING_REBALANCE -> {
                updateMember(member, join);
                tryCompleteJoin(group);
            }
            case COMPLETING_REBALANCE -> {
                if (member.matches(join.protocols)) {
                    // Its JoinGroup answer was lost: send the same one again.
                    scheduleSession(group, member);
                    join.answer.complete(currentJoinResponse(group, member));
                } else {
                    updateMember(member, join);
                    prepareRebalance(group, "member " + memberId + " changed its protocols");
                }
            }
            case STABLE -> {
                if (memberId.equals(group.leaderId) || !member.matches(join.protocols)) {
                    // The leader rejoins to force a new assignment (e.g. its subscription's topics changed).
                    updateMember(member, join);
                    prepareRebalance(group, "member " + memberId + " rejoined");
                } else {
                    scheduleSession(group, member);
                    join.answer.complete(currentJoinResponse(group, member));
                }
            }
            default -> join.answer.complete(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMemberAndRebalance(ClassicGroup group, String memberId, JoinContext join) {
        GroupMember member = new GroupMember(memberId, join.instanceId(), join.clientId, join.clientHost,
                join.request.rebalanceTimeoutMs(), join.request.sessionTimeoutMs(), join.protocols);
        if (group.members.isEmpty()) {
            group.protocolType = join.request.protocolType();
        }
        member.isNew = true;
        member.awaitingJoin = join.answer;
        group.add(member);
        if (group.initialDelayRunning) {
            group.newMemberAdded = true;
        }
        timers.schedule(sessionTimer(group, memberId), NEW_MEMBER_JOIN_TIMEOUT_MS,
                () -> onSessionExpired(group, memberId));
        maybePrepareRebalance(group, "member " + memberId + " joined");
    }

    private void updateMember(GroupMember member, JoinContext join) {
        if (member.awaitingJoin != null && member.awaitingJoin != join.answer) {
            // A second JoinGroup from the same member replaces the first; the first gets a retriable error.
            member.awaitingJoin.complete(joinError(member.memberId, Errors.REBALANCE_IN_PROGRESS));
        }
        member.protocols = List.copyOf(join.protocols);
        member.rebalanceTimeoutMs = join.request.rebalanceTimeoutMs();
        member.sessionTimeoutMs = join.request.sessionTimeoutMs();
        member.clientId = join.clientId;
        member.clientHost = join.clientHost;
        member.awaitingJoin = join.answer;
    }

    /**
     * KIP-345: a static member that restarts joins with no member id and its old instance id. It
     * takes the old member's place under a new id; the old id is fenced. In a Stable group with
     * unchanged protocols nothing is rebalanced: it keeps its assignment.
     */
    private void replaceStaticMember(ClassicGroup group, String oldMemberId, JoinContext join) {
        GroupMember old = group.members.get(oldMemberId);
        String newId = join.instanceId() + "-" + UUID.randomUUID();
        GroupMember replacement = new GroupMember(newId, join.instanceId(), join.clientId, join.clientHost,
                join.request.rebalanceTimeoutMs(), join.request.sessionTimeoutMs(), old.protocols);
        replacement.assignment = old.assignment;
        boolean protocolsUnchanged = old.matches(join.protocols);
        CompletableFuture<JoinGroupResponseData> oldJoin = old.awaitingJoin;
        CompletableFuture<SyncGroupResponseData> oldSync = old.awaitingSync;
        old.awaitingJoin = null;
        old.awaitingSync = null;
        timers.cancel(sessionTimer(group, oldMemberId));
        String oldLeader = group.leaderId;
        group.replace(oldMemberId, replacement);
        if (oldJoin != null) {
            oldJoin.complete(joinError(oldMemberId, Errors.FENCED_INSTANCE_ID));
        }
        if (oldSync != null) {
            oldSync.complete(syncError(Errors.FENCED_INSTANCE_ID));
        }
        if (group.is(GroupState.STABLE) && protocolsUnchanged) {
            try {
                appender.append(List.of(groupRecord(group)));
            } catch (RuntimeException e) {
                // Not durable: put the old member back so state matches the log.
                group.replace(newId, old);
                group.leaderId = oldLeader;
                scheduleSession(group, old);
                join.answer.complete(joinError("", Errors.forException(e)));
                return;
            }
            scheduleSession(group, replacement);
            boolean isLeader = newId.equals(group.leaderId);
            // KIP-814: a static leader learns the members but must not reassign (skipAssignment).
            boolean skip = isLeader && join.version >= 9;
            JoinGroupResponseData response = currentJoinResponse(group, replacement).setSkipAssignment(skip);
            if (!skip) {
                response.setMembers(new ArrayList<>()); // an older leader would reassign; it just syncs instead
            }
            join.answer.complete(response);
            return;
        }
        updateMember(replacement, join);
        scheduleSession(group, replacement);
        switch (group.state) {
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> prepareRebalance(group, "static member " + join.instanceId() + " rejoined");
        }
    }

    // ------------------------------------------------------------------ rebalance phases

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        switch (group.state) {
            case EMPTY, STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> { }
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAssignments(group, Errors.REBALANCE_IN_PROGRESS);
        }
        timers.cancel(syncTimer(group));
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, clock.getAsLong());
        LOG.debugf("Preparing rebalance of group %s (generation %d): %s", group.groupId, group.generationId, reason);
        int delay = config.initialRebalanceDelayMs();
        if (initial && delay > 0) {
            // Give the other members of a starting application a moment to join, so it rebalances once.
            group.initialDelayRunning = true;
            group.newMemberAdded = false;
            scheduleInitialDelay(group, delay, Math.max(0, group.maxRebalanceTimeoutMs() - delay));
        } else {
            timers.schedule(joinTimer(group), group.maxRebalanceTimeoutMs(), () -> {
                if (groups.get(group.groupId) == group) {
                    completeJoin(group);
                }
            });
            tryCompleteJoin(group);
        }
    }

    private void scheduleInitialDelay(ClassicGroup group, int delay, int remaining) {
        timers.schedule(joinTimer(group), delay, () -> {
            if (groups.get(group.groupId) != group) {
                return;
            }
            if (group.newMemberAdded && remaining > 0) {
                group.newMemberAdded = false;
                int next = Math.min(delay, remaining);
                scheduleInitialDelay(group, next, remaining - next);
            } else {
                group.initialDelayRunning = false;
                completeJoin(group);
            }
        });
    }

    private void tryCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialDelayRunning && group.allMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Ends the join phase: members that did not rejoin are out, the rest get the new generation. */
    private void completeJoin(ClassicGroup group) {
        if (!group.is(GroupState.PREPARING_REBALANCE)) {
            return;
        }
        timers.cancel(joinTimer(group));
        group.initialDelayRunning = false;
        for (GroupMember m : group.memberList()) {
            if (m.awaitingJoin == null) {
                LOG.debugf("Removing member %s of group %s: it did not rejoin in time", m.memberId, group.groupId);
                timers.cancel(sessionTimer(group, m.memberId));
                group.remove(m.memberId);
            }
        }
        group.generationId++;
        long now = clock.getAsLong();
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.leaderId = null;
            group.transitionTo(GroupState.EMPTY, now);
            persistQuietly(group);
            return;
        }
        group.protocolName = group.selectProtocol();
        group.transitionTo(GroupState.COMPLETING_REBALANCE, now);
        for (GroupMember m : group.memberList()) {
            CompletableFuture<JoinGroupResponseData> answer = m.awaitingJoin;
            m.awaitingJoin = null;
            m.isNew = false;
            scheduleSession(group, m);
            answer.complete(currentJoinResponse(group, m));
        }
        int generation = group.generationId;
        timers.schedule(syncTimer(group), group.maxRebalanceTimeoutMs(), () -> onSyncTimeout(group, generation));
    }

    /** The leader (or others) never sent SyncGroup: drop those that did not, and rebalance without them. */
    private void onSyncTimeout(ClassicGroup group, int generation) {
        if (groups.get(group.groupId) != group || !group.is(GroupState.COMPLETING_REBALANCE)
                || group.generationId != generation) {
            return;
        }
        for (GroupMember m : group.memberList()) {
            if (m.awaitingSync == null && group.members.containsKey(m.memberId)) {
                LOG.debugf("Removing member %s of group %s: no SyncGroup within the rebalance timeout", m.memberId, group.groupId);
                removeMemberAndUpdate(group, m);
            }
        }
    }

    private void resetAssignments(ClassicGroup group, Errors error) {
        for (GroupMember m : group.members.values()) {
            m.assignment = new byte[0];
            if (m.awaitingSync != null) {
                CompletableFuture<SyncGroupResponseData> f = m.awaitingSync;
                m.awaitingSync = null;
                f.complete(syncError(error));
            }
        }
    }

    private JoinGroupResponseData currentJoinResponse(ClassicGroup group, GroupMember member) {
        JoinGroupResponseData response = new JoinGroupResponseData()
                .setGenerationId(group.generationId)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId)
                .setMemberId(member.memberId);
        if (member.memberId.equals(group.leaderId)) {
            List<JoinGroupResponseMember> list = new ArrayList<>();
            for (GroupMember m : group.members.values()) {
                list.add(new JoinGroupResponseMember().setMemberId(m.memberId).setGroupInstanceId(m.groupInstanceId)
                        .setMetadata(m.metadata(group.protocolName)));
            }
            response.setMembers(list);
        }
        return response;
    }

    // ------------------------------------------------------------------ SyncGroup

    CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            return done(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        Errors invalid = validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return done(syncError(invalid));
        }
        if (request.generationId() != group.generationId) {
            return done(syncError(Errors.ILLEGAL_GENERATION));
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName))) {
            return done(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        GroupMember member = group.members.get(request.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE:
                return done(syncError(Errors.REBALANCE_IN_PROGRESS));
            case STABLE:
                scheduleSession(group, member);
                return done(syncAnswer(group, member));
            case COMPLETING_REBALANCE:
                break;
            default:
                return done(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        CompletableFuture<SyncGroupResponseData> answer = new CompletableFuture<>();
        if (member.awaitingSync != null) {
            member.awaitingSync.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
        }
        member.awaitingSync = answer;
        scheduleSession(group, member);
        if (member.memberId.equals(group.leaderId)) {
            Map<String, byte[]> assignments = new HashMap<>();
            for (SyncGroupRequestAssignment a : request.assignments()) {
                assignments.put(a.memberId(), a.assignment());
            }
            completeSync(group, assignments);
        }
        return answer;
    }

    /** The leader's assignment: durable first, then every waiting member gets its share. */
    private void completeSync(ClassicGroup group, Map<String, byte[]> assignments) {
        Map<String, byte[]> previous = new HashMap<>();
        for (GroupMember m : group.members.values()) {
            previous.put(m.memberId, m.assignment);
            m.assignment = assignments.getOrDefault(m.memberId, new byte[0]);
        }
        try {
            appender.append(List.of(groupRecord(group)));
        } catch (RuntimeException e) {
            LOG.warnf("Could not store the assignment of group %s: %s", group.groupId, e.getMessage());
            resetAssignments(group, Errors.forException(e));
            prepareRebalance(group, "storing the assignment failed");
            return;
        }
        timers.cancel(syncTimer(group));
        group.transitionTo(GroupState.STABLE, clock.getAsLong());
        for (GroupMember m : group.members.values()) {
            if (m.awaitingSync != null) {
                CompletableFuture<SyncGroupResponseData> f = m.awaitingSync;
                m.awaitingSync = null;
                f.complete(syncAnswer(group, m));
            }
        }
    }

    private static SyncGroupResponseData syncAnswer(ClassicGroup group, GroupMember member) {
        return new SyncGroupResponseData().setProtocolType(group.protocolType).setProtocolName(group.protocolName)
                .setAssignment(member.assignment);
    }

    // ------------------------------------------------------------------ Heartbeat

    Errors heartbeat(HeartbeatRequestData request) {
        ClassicGroup group = groups.get(request.groupId());
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        Errors invalid = validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (request.generationId() != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        GroupMember member = group.members.get(request.memberId());
        switch (group.state) {
            case PREPARING_REBALANCE:
                scheduleSession(group, member);
                return Errors.REBALANCE_IN_PROGRESS;
            case COMPLETING_REBALANCE:
            case STABLE:
                scheduleSession(group, member);
                return Errors.NONE;
            default:
                return Errors.UNKNOWN_MEMBER_ID;
        }
    }

    // ------------------------------------------------------------------ LeaveGroup

    List<MemberResponse> leave(String groupId, List<MemberIdentity> leaving) {
        ClassicGroup group = groups.get(groupId);
        List<MemberResponse> answers = new ArrayList<>();
        for (MemberIdentity who : leaving) {
            String memberId = who.memberId() == null ? "" : who.memberId();
            MemberResponse answer = new MemberResponse().setMemberId(memberId).setGroupInstanceId(who.groupInstanceId());
            answers.add(answer.setErrorCode(leaveOne(group, memberId, who.groupInstanceId()).code()));
        }
        return answers;
    }

    private Errors leaveOne(ClassicGroup group, String memberId, String instanceId) {
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (instanceId != null) {
            String mapped = group.staticMembers.get(instanceId);
            if (mapped == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(mapped)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = mapped;
        }
        if (group.pendingMembers.remove(memberId)) {
            timers.cancel(pendingTimer(group, memberId));
            tryCompleteJoin(group);
            return Errors.NONE;
        }
        GroupMember member = group.members.get(memberId);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        removeMemberAndUpdate(group, member);
        return Errors.NONE;
    }

    // ------------------------------------------------------------------ membership upkeep

    private void removeMemberAndUpdate(ClassicGroup group, GroupMember member) {
        if (member.awaitingJoin != null) {
            CompletableFuture<JoinGroupResponseData> f = member.awaitingJoin;
            member.awaitingJoin = null;
            f.complete(joinError(member.memberId, Errors.UNKNOWN_MEMBER_ID));
        }
        if (member.awaitingSync != null) {
            CompletableFuture<SyncGroupResponseData> f = member.awaitingSync;
            member.awaitingSync = null;
            f.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        timers.cancel(sessionTimer(group, member.memberId));
        group.remove(member.memberId);
        switch (group.state) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, "member " + member.memberId + " left");
            case PREPARING_REBALANCE -> tryCompleteJoin(group);
            default -> { }
        }
    }

    private void scheduleSession(ClassicGroup group, GroupMember member) {
        timers.schedule(sessionTimer(group, member.memberId), member.sessionTimeoutMs,
                () -> onSessionExpired(group, member.memberId));
    }

    private void onSessionExpired(ClassicGroup group, String memberId) {
        if (groups.get(group.groupId) != group) {
            return;
        }
        GroupMember member = group.members.get(memberId);
        if (member == null) {
            return;
        }
        if ((member.awaitingJoin != null && !member.isNew) || member.awaitingSync != null) {
            // Waiting on us, not silent: the join and sync deadlines take care of stuck phases.
            scheduleSession(group, member);
            return;
        }
        LOG.infof("Member %s of group %s timed out (session timeout %d ms)", memberId, group.groupId, member.sessionTimeoutMs);
        removeMemberAndUpdate(group, member);
    }

    /** Unknown member, or a static instance whose id now belongs to a newer member. */
    private static Errors validateMember(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String mapped = group.staticMembers.get(instanceId);
            if (mapped == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!mapped.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.members.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    /** Session timers for members replayed from the log: they must heartbeat or go. */
    void onLoaded() {
        for (ClassicGroup group : groups.values()) {
            for (GroupMember m : group.members.values()) {
                scheduleSession(group, m);
            }
        }
    }

    void onUnloaded() {
        timers.cancelAll();
        for (ClassicGroup group : groups.values()) {
            for (GroupMember m : group.members.values()) {
                if (m.awaitingJoin != null) {
                    m.awaitingJoin.complete(joinError(m.memberId, Errors.NOT_COORDINATOR));
                }
                if (m.awaitingSync != null) {
                    m.awaitingSync.complete(syncError(Errors.NOT_COORDINATOR));
                }
            }
        }
    }

    // ------------------------------------------------------------------ records

    static CoordinatorRecord groupRecord(ClassicGroup group) {
        List<MemberValue> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new MemberValue(m.memberId, m.groupInstanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs, group.protocolName == null ? new byte[0] : m.metadata(group.protocolName),
                    m.assignment));
        }
        GroupValue value = new GroupValue(group.protocolType, group.generationId, group.protocolName, group.leaderId,
                group.stateTimestamp, members);
        return new CoordinatorRecord(GroupRecordSerde.groupKey(group.groupId), GroupRecordSerde.groupValue(value));
    }

    private void persistQuietly(ClassicGroup group) {
        try {
            appender.append(List.of(groupRecord(group)));
        } catch (RuntimeException e) {
            LOG.warnf("Could not store group %s: %s", group.groupId, e.getMessage());
        }
    }

    private static String sessionTimer(ClassicGroup group, String memberId) {
        return "session/" + group.groupId + "/" + memberId;
    }

    private static String pendingTimer(ClassicGroup group, String memberId) {
        return "pending/" + group.groupId + "/" + memberId;
    }

    private static String joinTimer(ClassicGroup group) {
        return "join/" + group.groupId;
    }

    private static String syncTimer(ClassicGroup group) {
        return "sync/" + group.groupId;
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setMemberId(memberId).setGenerationId(-1)
                .setLeader("").setProtocolName(null);
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
