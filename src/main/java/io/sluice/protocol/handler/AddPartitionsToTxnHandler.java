package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnPartitionResultCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * AddPartitionsToTxn as producers send it (v0-v3; v4+ is the brokers' batched form of KIP-890). Partitions of topics
 * that do not exist are UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, as in Kafka; otherwise all
 * share the coordinator's answer.
 */
public final class AddPartitionsToTxnHandler extends VersionedHandler<AddPartitionsToTxnRequestData> {
    private static final int PRODUCER_FENCED_SINCE = 2;

    private final TransactionCoordinator transactions;
    private final Supplier<MetadataImage> image;

    public AddPartitionsToTxnHandler(TransactionCoordinator transactions, Supplier<MetadataImage> image) {
        super(ApiKeys.ADD_PARTITIONS_TO_TXN, 0, 3);
        this.transactions = transactions;
        this.image = image;
    }

    @Override
    public CompletableFuture<AddPartitionsToTxnResponseData> handle(RequestContext context,
                                                                    AddPartitionsToTxnRequestData request) {
        List<TopicPartition> partitions = new ArrayList<>();
        boolean unknown = false;
        MetadataImage now = image.get();
        for (AddPartitionsToTxnTopic t : request.v3AndBelowTopics()) {
            for (int p : t.partitions()) {
                partitions.add(new TopicPartition(t.name(), p));
                unknown |= now.topic(t.name()).map(topic -> !topic.partitions().containsKey(p)).orElse(true);
            }
        }
        if (unknown) {
            return CompletableFuture.completedFuture(respond(partitions,
                    tp -> now.topic(tp.topic()).map(topic -> topic.partitions().containsKey(tp.partition())).orElse(false)
                            ? Errors.OPERATION_NOT_ATTEMPTED : Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        String id = request.v3AndBelowTransactionalId();
        return transactions.forTransactionalId(id, shard -> CompletableFuture.completedFuture(shard.addPartitions(id,
                        request.v3AndBelowProducerId(), request.v3AndBelowProducerEpoch(), partitions)))
                .exceptionally(GroupErrors::of)
                .thenApply(error -> respond(partitions,
                        tp -> TxnErrors.forVersion(error, context.apiVersion(), PRODUCER_FENCED_SINCE)));
    }

    private static AddPartitionsToTxnResponseData respond(List<TopicPartition> partitions,
                                                          java.util.function.Function<TopicPartition, Errors> errorOf) {
        AddPartitionsToTxnResponseData response = new AddPartitionsToTxnResponseData();
        for (TopicPartition tp : partitions) {
            AddPartitionsToTxnTopicResult topic = response.resultsByTopicV3AndBelow().find(tp.topic());
            if (topic == null) {
                topic = new AddPartitionsToTxnTopicResult().setName(tp.topic())
                        .setResultsByPartition(new AddPartitionsToTxnPartitionResultCollection());
                response.resultsByTopicV3AndBelow().add(topic);
            }
            topic.resultsByPartition().add(new AddPartitionsToTxnPartitionResult().setPartitionIndex(tp.partition())
                    .setPartitionErrorCode(errorOf.apply(tp).code()));
        }
        return response;
    }
}
