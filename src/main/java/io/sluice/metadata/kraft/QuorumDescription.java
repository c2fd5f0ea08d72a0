package io.sluice.metadata.kraft;

import io.sluice.raft.QuorumStatus;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.message.DescribeQuorumResponseData.TopicData;

/** DescribeQuorum's answer for the metadata log, from the leader's {@link QuorumStatus}. */
final class QuorumDescription {
    /** The name Kafka gives the metadata log; kafka-metadata-quorum looks for it. */
    static final String METADATA_TOPIC = "__cluster_metadata";

    private QuorumDescription() {}

    /** @param wallNow the wall clock at the moment the status was taken, to turn Raft's monotonic times into timestamps */
    static DescribeQuorumResponseData of(QuorumStatus status, long wallNow) {
        PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(status.leaderId())
                .setLeaderEpoch(status.epoch()).setHighWatermark(status.highWatermark())
                .setCurrentVoters(replicas(status.voters(), status.now(), wallNow))
                .setObservers(replicas(status.observers(), status.now(), wallNow));
        return new DescribeQuorumResponseData().setTopics(List.of(
                new TopicData().setTopicName(METADATA_TOPIC).setPartitions(List.of(partition))));
    }

    private static List<ReplicaState> replicas(List<QuorumStatus.ReplicaProgress> replicas, long raftNow, long wallNow) {
        return replicas.stream().map(r -> new ReplicaState().setReplicaId(r.id()).setReplicaDirectoryId(Uuid.ZERO_UUID)
                .setLogEndOffset(r.logEndOffset())
                .setLastFetchTimestamp(wallNow - (raftNow - r.lastFetchAt()))
                .setLastCaughtUpTimestamp(r.lastCaughtUpAt() < 0 ? -1 : wallNow - (raftNow - r.lastCaughtUpAt())))
                .toList();
    }
}
