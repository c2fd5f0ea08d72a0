package io.sluice.coordinator.group;

import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.Map;
import java.util.SortedSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Assignment;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Member;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.TopicPartitions;

/** ConsumerGroupDescribe's view of a KIP-848 group: epochs, assignor, and each member's current and target assignment. */
final class ConsumerGroupDescriber {
    /** ConsumerGroupDescribe v1's MemberType for a member speaking the consumer protocol. */
    private static final byte CONSUMER_MEMBER = 1;

    private ConsumerGroupDescriber() {}

    static DescribedGroup describe(ConsumerGroup g, MetadataImage image) {
        DescribedGroup d = new DescribedGroup().setGroupId(g.groupId).setGroupState(g.state().wireName)
                .setGroupEpoch(g.groupEpoch).setAssignmentEpoch(g.assignmentEpoch).setAssignorName(g.assignorName);
        for (ConsumerMember m : g.members.values()) {
            ConsumerMember.Subscription s = m.subscription();
            d.members().add(new Member().setMemberId(m.memberId()).setInstanceId(s.instanceId()).setRackId(s.rackId())
                    .setMemberEpoch(m.current().memberEpoch()).setClientId(s.clientId()).setClientHost(s.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(s.topicNames())).setSubscribedTopicRegex(s.topicRegex())
                    .setAssignment(assignment(m.current().assigned(), image))
                    .setTargetAssignment(assignment(g.targetOf(m.memberId()), image))
                    .setMemberType(CONSUMER_MEMBER));
        }
        return d;
    }

    /** Topics deleted since the assignment are left out: they have no name to show. */
    private static Assignment assignment(Map<Uuid, SortedSet<Integer>> partitions, MetadataImage image) {
        Assignment a = new Assignment();
        partitions.forEach((id, ps) -> image.topic(id).ifPresent(t -> a.topicPartitions().add(
                new TopicPartitions().setTopicId(id).setTopicName(t.name()).setPartitions(new ArrayList<>(ps)))));
        return a;
    }
}
