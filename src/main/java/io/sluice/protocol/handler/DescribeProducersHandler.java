package io.sluice.protocol.handler;

import io.sluice.log.ActiveProducer;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeProducers (KIP-664): the producers a partition's leader knows and the first offset of each one's open
 * transaction, which is how {@code kafka-transactions describe-producers} and {@code find-hanging} see them.
 */
public final class DescribeProducersHandler extends VersionedHandler<DescribeProducersRequestData> {
    private final ReplicaManager replicas;

    public DescribeProducersHandler(ReplicaManager replicas) {
        super(ApiKeys.DESCRIBE_PRODUCERS, 0, 0);
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<DescribeProducersResponseData> handle(RequestContext context,
                                                                   DescribeProducersRequestData request) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (TopicRequest t : request.topics()) {
            TopicResponse topic = new TopicResponse().setName(t.name());
            for (int index : t.partitionIndexes()) {
                topic.partitions().add(describe(new TopicPartition(t.name(), index)));
            }
            response.topics().add(topic);
        }
        return CompletableFuture.completedFuture(response);
    }

    private PartitionResponse describe(TopicPartition tp) {
        PartitionResponse out = new PartitionResponse().setPartitionIndex(tp.partition());
        Optional<Partition> partition = replicas.partition(tp);
        if (partition.isEmpty()) {
            return out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        if (!partition.get().isLeader(replicas.nodeId())) {
            return out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        for (ActiveProducer p : partition.get().log().activeProducers()) {
            out.activeProducers().add(new ProducerState().setProducerId(p.producerId()).setProducerEpoch(p.epoch())
                    .setLastSequence(p.lastSequence()).setLastTimestamp(p.lastTimestamp()).setCoordinatorEpoch(-1)
                    .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
        }
        return out;
    }
}
