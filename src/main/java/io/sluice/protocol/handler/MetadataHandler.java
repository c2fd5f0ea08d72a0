package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata: brokers as advertised on the listener the request came in on, and the requested
 * topics. Missing topics are created first when the client asks and the broker allows it, so the
 * client gets the new topic's leaders in the same answer instead of retrying.
 */
public final class MetadataHandler extends VersionedHandler<MetadataRequestData> {
    private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

    private final Supplier<MetadataImage> image;
    private final ControllerChannel controller;
    private final int nodeId;
    private final boolean autoCreateTopics;

    public MetadataHandler(Supplier<MetadataImage> image, ControllerChannel controller, int nodeId,
                           boolean autoCreateTopics) {
        super(ApiKeys.METADATA, 0, 13);
        this.image = image;
        this.controller = controller;
        this.nodeId = nodeId;
        this.autoCreateTopics = autoCreateTopics;
    }

    @Override
    public CompletableFuture<MetadataResponseData> handle(RequestContext context, MetadataRequestData request) {
        List<String> toCreate = topicsToCreate(context, request, image.get());
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(respond(context, request, image.get()));
        }
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(30_000);
        toCreate.forEach(name -> create.topics().add(new CreatableTopic().setName(name)
                .setNumPartitions(-1).setReplicationFactor((short) -1)));
        // Whatever the outcome (another client may have created it meanwhile), answer from the new image.
        return controller.send(ApiKeys.CREATE_TOPICS, create).handle((r, e) -> respond(context, request, image.get()));
    }

    private List<String> topicsToCreate(RequestContext context, MetadataRequestData request, MetadataImage current) {
        boolean allowed = autoCreateTopics && (context.apiVersion() < 4 || request.allowAutoTopicCreation());
        List<String> names = new ArrayList<>();
        if (!allowed || request.topics() == null) {
            return names;
        }
        for (MetadataRequestTopic t : request.topics()) {
            if (t.name() != null && current.topic(t.name()).isEmpty() && Topic.isValid(t.name())
                    && !Topic.isInternal(t.name())) {
                names.add(t.name());
            }
        }
        return names;
    }

    private MetadataResponseData respond(RequestContext context, MetadataRequestData request, MetadataImage current) {
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(current.clusterId())
                .setControllerId(ControllerIdForClients.of(current, nodeId, context.listenerName()))
                .setClusterAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (BrokerImage broker : current.brokers().values()) {
            if (broker.fenced()) {
                continue;
            }
            broker.endpoint(context.listenerName()).ifPresent(e -> response.brokers().add(new MetadataResponseBroker()
                    .setNodeId(broker.id()).setHost(e.host()).setPort(e.port()).setRack(broker.rack())));
        }
        if (request.topics() == null) {
            current.topics().values().forEach(t -> response.topics().add(describe(t)));
            return response;
        }
        for (MetadataRequestTopic requested : request.topics()) {
            response.topics().add(describeRequested(requested, current));
        }
        return response;
    }

    private MetadataResponseTopic describeRequested(MetadataRequestTopic requested, MetadataImage current) {
        if (requested.name() == null || (requested.name().isEmpty() && !Uuid.ZERO_UUID.equals(requested.topicId()))) {
            Uuid id = requested.topicId();
            return current.topic(id).map(this::describe).orElseGet(() -> new MetadataResponseTopic()
                    .setTopicId(id).setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                    .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED));
        }
        String name = requested.name();
        if (!Topic.isValid(name)) {
            return missing(name, Errors.INVALID_TOPIC_EXCEPTION);
        }
        return current.topic(name).map(this::describe).orElseGet(() -> missing(name, Errors.UNKNOWN_TOPIC_OR_PARTITION));
    }

    private static MetadataResponseTopic missing(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setErrorCode(error.code())
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
    }

    private MetadataResponseTopic describe(TopicImage topic) {
        MetadataResponseTopic out = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(topic.isInternal())
                .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
        for (PartitionImage p : topic.partitions().values()) {
            out.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(p.partition())
                    .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                    .setLeaderId(p.leader())
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(p.replicas()))
                    .setIsrNodes(new ArrayList<>(p.isr())));
        }
        return out;
    }
}
