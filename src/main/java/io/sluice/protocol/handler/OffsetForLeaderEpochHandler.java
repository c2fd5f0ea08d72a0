package io.sluice.protocol.handler;

import io.sluice.log.EpochEndOffset;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetForLeaderEpoch: the end offset of the largest epoch at or below the asked one, which
 * consumers use to detect log truncation after a leader change (KIP-320) and followers to truncate.
 */
public final class OffsetForLeaderEpochHandler extends VersionedHandler<OffsetForLeaderEpochRequestData> {
    private final ReplicaManager replicas;

    public OffsetForLeaderEpochHandler(ReplicaManager replicas) {
        super(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4);
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponseData> handle(RequestContext context,
                                                                      OffsetForLeaderEpochRequestData request) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : request.topics()) {
            OffsetForLeaderTopicResult out = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition p : topic.partitions()) {
                out.partitions().add(endOffset(new TopicPartition(topic.topic(), p.partition()), p));
            }
            response.topics().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }

    private OffsetForLeaderEpochResponseData.EpochEndOffset endOffset(TopicPartition tp, OffsetForLeaderPartition p) {
        OffsetForLeaderEpochResponseData.EpochEndOffset out = new OffsetForLeaderEpochResponseData.EpochEndOffset()
                .setPartition(tp.partition()).setLeaderEpoch(-1).setEndOffset(-1);
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!partition.isLeader(replicas.nodeId())) {
            return out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        int current = partition.leaderEpoch();
        if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() < current) {
            return out.setErrorCode(Errors.FENCED_LEADER_EPOCH.code());
        }
        if (p.currentLeaderEpoch() > current) {
            return out.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        }
        EpochEndOffset found = partition.log().endOffsetForEpoch(p.leaderEpoch());
        return out.setLeaderEpoch(found.leaderEpoch()).setEndOffset(found.endOffset());
    }
}
