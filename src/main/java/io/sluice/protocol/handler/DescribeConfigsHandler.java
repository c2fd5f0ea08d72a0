package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ConfigDescriber;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** DescribeConfigs for topics and brokers, with sources, synonyms and documentation as Kafka reports them. */
public final class DescribeConfigsHandler extends VersionedHandler<DescribeConfigsRequestData> {
    private final Supplier<MetadataImage> image;
    private final BrokerConfig config;

    public DescribeConfigsHandler(Supplier<MetadataImage> image, BrokerConfig config) {
        super(ApiKeys.DESCRIBE_CONFIGS, 1, 4);
        this.image = image;
        this.config = config;
    }

    @Override
    public CompletableFuture<DescribeConfigsResponseData> handle(RequestContext context, DescribeConfigsRequestData request) {
        MetadataImage current = image.get();
        boolean documentation = context.apiVersion() >= 3 && request.includeDocumentation();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : request.resources()) {
            response.results().add(describe(current, resource, request.includeSynonyms(), documentation));
        }
        return CompletableFuture.completedFuture(response);
    }

    private DescribeConfigsResult describe(MetadataImage current, DescribeConfigsResource resource,
                                           boolean synonyms, boolean documentation) {
        DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                .setResourceName(resource.resourceName());
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        String name = resource.resourceName();
        switch (type) {
            case TOPIC -> {
                Optional<TopicImage> topic = current.topic(name);
                if (topic.isEmpty()) {
                    Errors error = Topic.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
                    return result.setErrorCode(error.code()).setErrorMessage("Topic " + name + " does not exist.");
                }
                return result.setConfigs(ConfigDescriber.describeTopic(topic.get().configs(), config,
                        resource.configurationKeys(), synonyms, documentation));
            }
            case BROKER -> {
                if (!name.isEmpty() && !name.equals(String.valueOf(config.nodeId()))) {
                    return result.setErrorCode(Errors.INVALID_REQUEST.code())
                            .setErrorMessage("Broker " + name + " is not this broker (" + config.nodeId() + ")");
                }
                return result.setConfigs(ConfigDescriber.describeBroker(config,
                        current.brokerConfigsById().getOrDefault(config.nodeId(), java.util.Map.of()),
                        current.brokerConfigs(), resource.configurationKeys(), synonyms, documentation));
            }
            default -> {
                return result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("Describing configs of " + type + " resources is not supported");
            }
        }
    }
}
