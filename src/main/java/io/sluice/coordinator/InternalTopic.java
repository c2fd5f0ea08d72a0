package io.sluice.coordinator;

import io.sluice.metadata.ControllerChannel;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * A coordinator's internal topic (such as {@code __consumer_offsets}): created through the
 * controller the first time a client needs it, with the configured partition count and a
 * replication factor capped to the live brokers, so a single node works with the default of 3.
 */
public final class InternalTopic {
    private static final Logger LOG = Logger.getLogger(InternalTopic.class);

    private final String name;
    private final int partitions;
    private final short replicationFactor;
    private final Map<String, String> configs;
    private final Supplier<MetadataImage> image;
    private final ControllerChannel controller;
    private CompletableFuture<Void> creating;

    public InternalTopic(String name, int partitions, short replicationFactor, Map<String, String> configs,
                         Supplier<MetadataImage> image, ControllerChannel controller) {
        this.name = name;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.configs = Map.copyOf(configs);
        this.image = image;
        this.controller = controller;
    }

    public String name() {
        return name;
    }

    /** The topic as the image knows it, if it exists yet. */
    public Optional<TopicImage> current() {
        return image.get().topic(name);
    }

    /** The partition count to hash keys over: the topic's own once it exists, else the configured one. */
    public int partitionCount() {
        return current().map(t -> t.partitions().size()).orElse(partitions);
    }

    /**
     * Asks the controller to create the topic unless it exists or a creation is under way. Returns
     * at once; callers answer COORDINATOR_NOT_AVAILABLE meanwhile and the client retries.
     */
    public synchronized void ensureCreated() {
        if (current().isPresent() || (creating != null && !creating.isDone())) {
            return;
        }
        MetadataImage now = image.get();
        long live = now.brokers().values().stream().filter(b -> !b.fenced()).count();
        short rf = (short) Math.max(1, Math.min(replicationFactor, live == 0 ? 1 : live));
        CreatableTopicConfigCollection configCollection = new CreatableTopicConfigCollection();
        configs.forEach((k, v) -> configCollection.add(new CreatableTopicConfig().setName(k).setValue(v)));
        CreatableTopicCollection topics = new CreatableTopicCollection();
        topics.add(new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor(rf)
                .setConfigs(configCollection));
        LOG.infof("Creating internal topic %s with %d partitions, replication factor %d", name, partitions, rf);
        creating = controller.send(ApiKeys.CREATE_TOPICS, new CreateTopicsRequestData().setTopics(topics)
                        .setTimeoutMs(30_000))
                .handle((message, error) -> {
                    if (error != null) {
                        LOG.warnf("Could not create %s: %s", name, error.getMessage());
                    } else {
                        ((CreateTopicsResponseData) message).topics().forEach(t -> {
                            if (t.errorCode() != Errors.NONE.code() && t.errorCode() != Errors.TOPIC_ALREADY_EXISTS.code()) {
                                LOG.warnf("Could not create %s: %s %s", name, Errors.forCode(t.errorCode()), t.errorMessage());
                            }
                        });
                    }
                    return null;
                });
    }

    /** The live broker leading a partition of the topic, if there is one. */
    public Optional<BrokerImage> leaderOf(int partition) {
        MetadataImage now = image.get();
        return now.topic(name).map(t -> t.partitions().get(partition))
                .filter(p -> p.leader() >= 0)
                .map(p -> now.brokers().get(p.leader()))
                .filter(b -> !b.fenced());
    }
}
