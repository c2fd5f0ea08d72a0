package io.sluice.metadata.kraft;

import io.sluice.raft.QuorumStatus;
import io.sluice.raft.TcpRaftTransport.Address;
import io.sluice.raft.Voter;
import io.sluice.raft.VoterSet;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Listener;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ListenerCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Node;
import org.apache.kafka.common.message.DescribeQuorumResponseData.NodeCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.message.DescribeQuorumResponseData.TopicData;

/**
 * DescribeQuorum's answer for the metadata log, from the leader's {@link QuorumStatus}: voters with the
 * directory ids the voter set names them by (KIP-853), observers with the ones they fetch with, and
 * (v2) the voters' endpoints. A static quorum's voters have no directory id (the zero Uuid, as Kafka
 * reports them) and their configuration names no listener, so they have no endpoints here.
 */
final class QuorumDescription {
    /** The name Kafka gives the metadata log; kafka-metadata-quorum looks for it. */
    static final String METADATA_TOPIC = "__cluster_metadata";

    private QuorumDescription() {}

    /** @param wallNow the wall clock at the moment the status was taken, to turn Raft's monotonic times into timestamps */
    static DescribeQuorumResponseData of(QuorumStatus status, long wallNow) {
        VoterSet voters = status.voterSet();
        PartitionData partition = new PartitionData().setPartitionIndex(0).setLeaderId(status.leaderId())
                .setLeaderEpoch(status.epoch()).setHighWatermark(status.highWatermark())
                .setCurrentVoters(replicas(status.voters(), voters, status.now(), wallNow))
                .setObservers(replicas(status.observers(), null, status.now(), wallNow));
        return new DescribeQuorumResponseData().setTopics(List.of(
                new TopicData().setTopicName(METADATA_TOPIC).setPartitions(List.of(partition))))
                .setNodes(nodes(voters));
    }

    private static List<ReplicaState> replicas(List<QuorumStatus.ReplicaProgress> replicas, VoterSet voters,
            long raftNow, long wallNow) {
        return replicas.stream().map(r -> new ReplicaState().setReplicaId(r.id())
                .setReplicaDirectoryId(directoryId(voters == null ? r.directoryId()
                        : voters.voter(r.id()).map(Voter::directoryId).orElse("")))
                .setLogEndOffset(r.logEndOffset())
                .setLastFetchTimestamp(wallNow - (raftNow - r.lastFetchAt()))
                .setLastCaughtUpTimestamp(r.lastCaughtUpAt() < 0 ? -1 : wallNow - (raftNow - r.lastCaughtUpAt())))
                .toList();
    }

    private static Uuid directoryId(String id) {
        if (id.isEmpty()) {
            return Uuid.ZERO_UUID;
        }
        try {
            return Uuid.fromString(id);
        } catch (IllegalArgumentException e) {
            return Uuid.ZERO_UUID;
        }
    }

    private static NodeCollection nodes(VoterSet voters) {
        NodeCollection nodes = new NodeCollection();
        for (Voter v : voters.voters().values()) {
            ListenerCollection listeners = new ListenerCollection();
            for (Voter.Endpoint e : v.endpoints()) {
                if (!e.listener().isEmpty()) {
                    Address a = Address.parse(e.address());
                    listeners.add(new Listener().setName(e.listener()).setHost(a.host()).setPort(a.port()));
                }
            }
            if (!listeners.isEmpty()) {
                nodes.add(new Node().setNodeId(v.id()).setListeners(listeners));
            }
        }
        return nodes;
    }
}
