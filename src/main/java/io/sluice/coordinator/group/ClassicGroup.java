package io.sluice.coordinator.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classic group's state: members in join order, static members by instance id, members that
 * were given an id but have not joined with it yet, the generation and the chosen protocol.
 * Behaviour lives in {@link ClassicGroupStateMachine}; this class only keeps the facts consistent.
 */
final class ClassicGroup {
    final String groupId;
    GroupState state = GroupState.EMPTY;
    long stateTimestamp;
    int generationId;
    /** Null for a group that only ever committed offsets (a "simple" group). */
    String protocolType;
    String protocolName;
    String leaderId;
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    final Map<String, String> staticMembers = new HashMap<>();
    final Set<String> pendingMembers = new LinkedHashSet<>();
    /** A member joined while the initial rebalance delay ran, so the delay may be extended. */
    boolean newMemberAdded;
    boolean initialDelayRunning;

    ClassicGroup(String groupId, long now) {
        this.groupId = groupId;
        this.stateTimestamp = now;
    }

    void transitionTo(GroupState next, long now) {
        state = next;
        stateTimestamp = now;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    int size() {
        return members.size() + pendingMembers.size();
    }

    void add(GroupMember member) {
        members.put(member.memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
    }

    void remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed != null && removed.isStatic() && memberId.equals(staticMembers.get(removed.groupInstanceId))) {
            staticMembers.remove(removed.groupInstanceId);
        }
        if (memberId.equals(leaderId)) {
            // Prefer a member that is already waiting in the join phase, so the rebalance can finish.
            leaderId = members.values().stream().filter(m -> m.awaitingJoin != null).map(m -> m.memberId).findFirst()
                    .orElse(members.isEmpty() ? null : members.keySet().iterator().next());
        }
    }

    /** Puts a new member in the old one's place (static membership): same position, same assignment. */
    void replace(String oldMemberId, GroupMember replacement) {
        Map<String, GroupMember> copy = new LinkedHashMap<>(members);
        members.clear();
        copy.forEach((id, m) -> members.put(id.equals(oldMemberId) ? replacement.memberId : id,
                id.equals(oldMemberId) ? replacement : m));
        staticMembers.put(replacement.groupInstanceId, replacement.memberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = replacement.memberId;
        }
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
    }

    /** The protocols every member supports, in the first member's order. */
    Set<String> candidateProtocols() {
        Set<String> candidates = null;
        for (GroupMember m : members.values()) {
            Set<String> names = new LinkedHashSet<>();
            m.protocols.forEach(p -> names.add(p.name()));
            if (candidates == null) {
                candidates = names;
            } else {
                candidates.retainAll(names);
            }
        }
        return candidates == null ? Set.of() : candidates;
    }

    /** Can a member with this protocol type and these protocols join? */
    boolean supports(String type, List<String> protocols) {
        if (type == null || type.isEmpty() || protocols.isEmpty()) {
            return false;
        }
        if (members.isEmpty()) {
            return true;
        }
        if (!type.equals(protocolType)) {
            return false;
        }
        Set<String> candidates = new HashSet<>(candidateProtocols());
        return protocols.stream().anyMatch(candidates::contains);
    }

    /** The protocol every member supports that most members prefer (ties go to the earlier candidate). */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        candidates.forEach(c -> votes.put(c, 0));
        for (GroupMember m : members.values()) {
            String vote = m.vote(candidates);
            if (vote != null) {
                votes.merge(vote, 1, Integer::sum);
            }
        }
        String best = null;
        int bestVotes = -1;
        for (var e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    List<GroupMember> memberList() {
        return new ArrayList<>(members.values());
    }
}
