package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * ListPartitionReassignments (KIP-455): the reassignments in progress as this broker's metadata image
 * shows them, each with its replicas and those being added and removed; what
 * {@code kafka-reassign-partitions --verify/--list} and {@code kafka-topics --describe} ask. Null topics
 * means every topic; partitions that do not exist or are not being reassigned are left out, as Kafka does.
 */
public final class ListPartitionReassignmentsHandler extends VersionedHandler<ListPartitionReassignmentsRequestData> {
    private final Supplier<MetadataImage> image;

    public ListPartitionReassignmentsHandler(Supplier<MetadataImage> image) {
        super(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0);
        this.image = image;
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> handle(RequestContext context,
                                                                            ListPartitionReassignmentsRequestData request) {
        MetadataImage current = image.get();
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData();
        if (request.topics() == null) {
            current.topics().values().forEach(topic -> add(response, topic, topic.partitions().keySet()));
        } else {
            for (ListPartitionReassignmentsTopics wanted : request.topics()) {
                current.topic(wanted.name()).ifPresent(topic -> add(response, topic, wanted.partitionIndexes()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void add(ListPartitionReassignmentsResponseData response, TopicImage topic,
                            Collection<Integer> partitions) {
        List<OngoingPartitionReassignment> ongoing = new ArrayList<>();
        for (int index : partitions) {
            PartitionImage p = topic.partitions().get(index);
            if (p != null && p.isReassigning()) {
                ongoing.add(new OngoingPartitionReassignment().setPartitionIndex(index)
                        .setReplicas(new ArrayList<>(p.replicas()))
                        .setAddingReplicas(new ArrayList<>(p.addingReplicas()))
                        .setRemovingReplicas(new ArrayList<>(p.removingReplicas())));
            }
        }
        if (!ongoing.isEmpty()) {
            response.topics().add(new OngoingTopicReassignment().setName(topic.name()).setPartitions(ongoing));
        }
    }
}
