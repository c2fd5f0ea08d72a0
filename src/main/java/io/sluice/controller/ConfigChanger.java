package io.sluice.controller;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Decides config changes for TOPIC and BROKER resources. Either request kind computes the
 * resource's whole new override map, validates it as a whole, and writes one ConfigRecord per
 * key whose value changed (absent value = override removed).
 */
final class ConfigChanger {
    private final int nodeId;
    private final TopicConfigValidator topicValidator;
    private final BrokerConfigValidator brokerValidator;

    ConfigChanger(int nodeId, TopicConfigValidator topicValidator, BrokerConfigValidator brokerValidator) {
        this.nodeId = nodeId;
        this.topicValidator = topicValidator;
        this.brokerValidator = brokerValidator;
    }

    /** A resource as the request names it. */
    private record Resource(byte type, String name) {}

    /** Where a resource's overrides live in the image and how its changes are written and checked. */
    private record Target(ConfigResourceType recordType, String recordName, Map<String, String> current,
                          Consumer<Map<String, String>> validator, Predicate<String> isList) {}

    ControllerResult<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(
            MetadataImage image, IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        Changes changes = new Changes(request.resources().stream()
                .map(r -> new Resource(r.resourceType(), r.resourceName())).toList());
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
            Resource resource = new Resource(r.resourceType(), r.resourceName());
            if (!changes.answered.add(resource)) {
                continue;
            }
            var result = new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(r.resourceType()).setResourceName(r.resourceName());
            response.responses().add(result);
            changes.decide(image, resource, result::setErrorCode, result::setErrorMessage,
                    target -> incrementalResult(target, r.configs().stream().toList()));
        }
        return changes.result(response);
    }

    ControllerResult<AlterConfigsResponseData> alterConfigs(MetadataImage image, AlterConfigsRequestData request) {
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        Changes changes = new Changes(request.resources().stream()
                .map(r -> new Resource(r.resourceType(), r.resourceName())).toList());
        for (AlterConfigsRequestData.AlterConfigsResource r : request.resources()) {
            Resource resource = new Resource(r.resourceType(), r.resourceName());
            if (!changes.answered.add(resource)) {
                continue;
            }
            var result = new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(r.resourceType()).setResourceName(r.resourceName());
            response.responses().add(result);
            changes.decide(image, resource, result::setErrorCode, result::setErrorMessage, target -> {
                // The legacy request replaces the whole override set: keys it omits are removed.
                Map<String, String> next = new HashMap<>();
                for (AlterConfigsRequestData.AlterableConfig c : r.configs()) {
                    if (c.value() == null) {
                        throw new InvalidRequestException("Null value not supported for config: " + c.name());
                    }
                    if (next.put(c.name(), c.value()) != null) {
                        throw new InvalidRequestException("Duplicate config key " + c.name() + ".");
                    }
                }
                return next;
            });
        }
        return changes.result(response);
    }

    /** Collects records and successes across the resources of one request. */
    private final class Changes {
        final Set<Resource> duplicates;
        final Set<Resource> answered = new HashSet<>();
        final List<MetadataRecord> records = new ArrayList<>();
        final List<Consumer<ApiError>> successes = new ArrayList<>();

        Changes(List<Resource> resources) {
            this.duplicates = Requests.duplicates(resources);
        }

        void decide(MetadataImage image, Resource resource, Consumer<Short> setErrorCode,
                    Consumer<String> setErrorMessage, Function<Target, Map<String, String>> nextConfigs) {
            if (duplicates.contains(resource)) {
                Requests.fail(setErrorCode, setErrorMessage,
                        new ApiError(Errors.INVALID_REQUEST, "Duplicate resource in request."));
                return;
            }
            try {
                Target target = target(image, resource);
                Map<String, String> next = nextConfigs.apply(target);
                Requests.validateConfigs(next, target.validator());
                records.addAll(diff(target, next));
                successes.add(error -> Requests.fail(setErrorCode, setErrorMessage, error));
            } catch (ApiException e) {
                Requests.fail(setErrorCode, setErrorMessage, ApiError.fromThrowable(e));
            }
        }

        <R> ControllerResult<R> result(R response) {
            return new ControllerResult<>(response, records, error -> successes.forEach(s -> s.accept(error)));
        }
    }

    private Target target(MetadataImage image, Resource resource) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.type());
        if (type == ConfigResource.Type.TOPIC) {
            TopicImage topic = image.topic(resource.name()).orElseThrow(() ->
                    new UnknownTopicOrPartitionException("Topic " + resource.name() + " does not exist."));
            return new Target(ConfigResourceType.TOPIC, topic.name(), topic.configs(), topicValidator::validate,
                    topicValidator::isList);
        }
        if (type == ConfigResource.Type.BROKER) {
            if (resource.name().isEmpty()) {
                return new Target(ConfigResourceType.BROKER, MetadataRecords.CLUSTER_DEFAULT_BROKER,
                        image.brokerConfigs(), brokerValidator::validate, brokerValidator::isList);
            }
            int brokerId = brokerId(resource.name());
            if (brokerId != nodeId && !image.brokers().containsKey(brokerId)) {
                throw new InvalidRequestException("Broker " + brokerId + " is not a registered broker.");
            }
            return new Target(ConfigResourceType.BROKER, Integer.toString(brokerId),
                    image.brokerConfigsById().getOrDefault(brokerId, Map.of()), brokerValidator::validate,
                    brokerValidator::isList);
        }
        throw new InvalidRequestException("Unsupported resource type " + type + " (" + resource.type() + ").");
    }

    private static int brokerId(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Invalid broker name '" + name + "': expected a broker id or \"\".");
        }
    }

    private static Map<String, String> incrementalResult(Target target, List<AlterableConfig> ops) {
        Set<String> duplicateKeys = Requests.duplicates(ops.stream().map(AlterableConfig::name).toList());
        if (!duplicateKeys.isEmpty()) {
            throw new InvalidRequestException("Error due to duplicate config keys: " + duplicateKeys);
        }
        Map<String, String> next = new HashMap<>(target.current());
        for (AlterableConfig op : ops) {
            AlterConfigOp.OpType type = AlterConfigOp.OpType.forId(op.configOperation());
            if (type == null) {
                throw new InvalidRequestException("Unknown config operation " + op.configOperation()
                        + " for config " + op.name() + ".");
            }
            switch (type) {
                case SET -> {
                    if (op.value() == null) {
                        throw new InvalidRequestException("Null value not supported for SET of config: " + op.name());
                    }
                    next.put(op.name(), op.value());
                }
                case DELETE -> next.remove(op.name());
                case APPEND, SUBTRACT -> {
                    if (!target.isList().test(op.name())) {
                        throw new InvalidConfigurationException("Config value " + type.name().toLowerCase()
                                + " is not allowed for config key: " + op.name());
                    }
                    next.put(op.name(), listOp(type, next.get(op.name()), op.value()));
                }
            }
        }
        return next;
    }

    private static String listOp(AlterConfigOp.OpType type, String current, String operand) {
        Set<String> items = new LinkedHashSet<>(items(current));
        if (type == AlterConfigOp.OpType.APPEND) {
            items.addAll(items(operand));
        } else {
            items(operand).forEach(items::remove);
        }
        return String.join(",", items);
    }

    private static List<String> items(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<MetadataRecord> diff(Target target, Map<String, String> next) {
        Set<String> keys = new HashSet<>(target.current().keySet());
        keys.addAll(next.keySet());
        return keys.stream().sorted()
                .filter(key -> !Objects.equals(target.current().get(key), next.get(key)))
                .map(key -> MetadataRecords.config(target.recordType(), target.recordName(), key, next.get(key)))
                .collect(Collectors.toList());
    }
}
