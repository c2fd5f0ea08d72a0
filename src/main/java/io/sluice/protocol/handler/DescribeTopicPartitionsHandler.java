package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeTopicPartitions (KIP-966), what Kafka 4 admin clients use to describe topics: topics in
 * name order, paged by {@code responsePartitionLimit} with a cursor.
 */
public final class DescribeTopicPartitionsHandler extends VersionedHandler<DescribeTopicPartitionsRequestData> {
    private final Supplier<MetadataImage> image;

    public DescribeTopicPartitionsHandler(Supplier<MetadataImage> image) {
        super(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, 0, 0);
        this.image = image;
    }

    @Override
    public CompletableFuture<DescribeTopicPartitionsResponseData> handle(RequestContext context,
                                                                         DescribeTopicPartitionsRequestData request) {
        MetadataImage current = image.get();
        List<String> names = new ArrayList<>();
        if (request.topics().isEmpty()) {
            names.addAll(current.topics().keySet());
        } else {
            request.topics().stream().map(TopicRequest::name).sorted().distinct().forEach(names::add);
        }
        Cursor cursor = request.cursor();
        int budget = Math.max(1, request.responsePartitionLimit());
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (String name : names) {
            if (cursor != null && name.compareTo(cursor.topicName()) < 0) {
                continue;
            }
            TopicImage topic = current.topics().get(name);
            if (topic == null) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                        .setErrorCode((Topic.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION).code())
                        .setTopicAuthorizedOperations(Integer.MIN_VALUE));
                continue;
            }
            int first = cursor != null && name.equals(cursor.topicName()) ? cursor.partitionIndex() : 0;
            DescribeTopicPartitionsResponseTopic out = new DescribeTopicPartitionsResponseTopic().setName(name)
                    .setTopicId(topic.id()).setIsInternal(topic.isInternal()).setTopicAuthorizedOperations(Integer.MIN_VALUE);
            response.topics().add(out);
            for (PartitionImage p : topic.partitions().tailMap(first).values()) {
                if (budget == 0) {
                    response.setNextCursor(new DescribeTopicPartitionsResponseData.Cursor()
                            .setTopicName(name).setPartitionIndex(p.partition()));
                    return CompletableFuture.completedFuture(response);
                }
                budget--;
                out.partitions().add(new DescribeTopicPartitionsResponsePartition()
                        .setPartitionIndex(p.partition())
                        .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                        .setLeaderId(p.leader()).setLeaderEpoch(p.leaderEpoch())
                        .setReplicaNodes(new ArrayList<>(p.replicas())).setIsrNodes(new ArrayList<>(p.isr()))
                        .setEligibleLeaderReplicas(new ArrayList<>()).setLastKnownElr(new ArrayList<>())
                        .setOfflineReplicas(new ArrayList<>()));
            }
            cursor = null;
        }
        return CompletableFuture.completedFuture(response);
    }
}
