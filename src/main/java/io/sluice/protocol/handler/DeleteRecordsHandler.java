package io.sluice.protocol.handler;

import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords: moves a partition's log start offset forward (offset -1 means the high watermark);
 * an offset beyond the high watermark is OFFSET_OUT_OF_RANGE.
 */
public final class DeleteRecordsHandler extends VersionedHandler<DeleteRecordsRequestData> {
    private static final long HIGH_WATERMARK = -1;

    private final ReplicaManager replicas;

    public DeleteRecordsHandler(ReplicaManager replicas) {
        super(ApiKeys.DELETE_RECORDS, 0, 2);
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponseData> handle(RequestContext context, DeleteRecordsRequestData request) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic topic : request.topics()) {
            DeleteRecordsTopicResult out = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition p : topic.partitions()) {
                out.partitions().add(delete(new TopicPartition(topic.name(), p.partitionIndex()), p.offset()));
            }
            response.topics().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }

    private DeleteRecordsPartitionResult delete(TopicPartition tp, long offset) {
        DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult().setPartitionIndex(tp.partition())
                .setLowWatermark(-1);
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!partition.isLeader(replicas.nodeId())) {
            return result.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        long hwm = partition.highWatermark();
        long target = offset == HIGH_WATERMARK ? hwm : offset;
        if (target < 0 || target > hwm) {
            return result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
        }
        try {
            partition.log().deleteRecordsBefore(target);
            return result.setLowWatermark(partition.log().logStartOffset());
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code());
        }
    }
}
