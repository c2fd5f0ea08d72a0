package io.sluice.protocol.handler;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * KIP-951: a Produce or Fetch answered NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH carries the
 * leader this broker's metadata knows, and that leader's endpoint on the client's listener, so the
 * client re-routes at once instead of refreshing its metadata first. Collects the leaders named in
 * one response.
 */
final class LeaderHints {
    /** A leader to tell the client about. */
    record Leader(int id, int epoch) {}

    /** A broker endpoint on the client's listener. */
    record Endpoint(int nodeId, String host, int port, String rack) {}

    private final MetadataImage image;
    private final String listenerName;
    private final Set<Integer> named = new TreeSet<>();

    LeaderHints(MetadataImage image, String listenerName) {
        this.image = image;
        this.listenerName = listenerName;
    }

    static boolean wantsHint(short errorCode) {
        return errorCode == Errors.NOT_LEADER_OR_FOLLOWER.code() || errorCode == Errors.FENCED_LEADER_EPOCH.code();
    }

    /** The partition's current leader, by topic name or (when name is null) id; empty when none is known. */
    Optional<Leader> leaderOf(String topicName, Uuid topicId, int partition) {
        Optional<TopicImage> topic = topicName != null ? image.topic(topicName) : image.topic(topicId);
        Optional<Leader> leader = topic.map(t -> t.partitions().get(partition)).filter(p -> p.leader() >= 0)
                .map((PartitionImage p) -> new Leader(p.leader(), p.leaderEpoch()));
        leader.ifPresent(l -> named.add(l.id()));
        return leader;
    }

    /** Whether the metadata has the partition at all (it may just not be hosted here). */
    boolean exists(String topicName, Uuid topicId, int partition) {
        Optional<TopicImage> topic = topicName != null ? image.topic(topicName) : image.topic(topicId);
        return topic.map(t -> t.partitions().containsKey(partition)).orElse(false);
    }

    /** The endpoints of every leader named so far. */
    List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (int id : named) {
            BrokerImage broker = image.brokers().get(id);
            Optional<BrokerEndpoint> endpoint = broker == null ? Optional.empty() : broker.endpoint(listenerName);
            endpoint.ifPresent(e -> out.add(new Endpoint(id, e.host(), e.port(), broker.rack())));
        }
        return out;
    }
}
