package io.sluice.replica;

import io.sluice.log.LogAppendResult;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.jboss.logging.Logger;

/**
 * The partitions this broker hosts, kept in step with the metadata image: a partition appears
 * (its log created or loaded) when the image assigns it here, and its log is deleted when its
 * topic leaves the image. Produce and fetch go through here.
 */
public final class ReplicaManager implements MetadataListener {
    private static final Logger LOG = Logger.getLogger(ReplicaManager.class);

    private final int nodeId;
    private final LogManager logs;
    private final Function<TopicImage, LogConfig> logConfigFor;
    private final ToIntFunction<TopicImage> minInsyncReplicasFor;
    private final AppendWatchers watchers;
    private final TopicMetrics topicMetrics;
    private final PartitionGauges gauges;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<Uuid, String> topicNames = new ConcurrentHashMap<>();

    public ReplicaManager(int nodeId, LogManager logs, Function<TopicImage, LogConfig> logConfigFor,
                          ToIntFunction<TopicImage> minInsyncReplicasFor, AppendWatchers watchers,
                          MeterRegistry meters) {
        this.nodeId = nodeId;
        this.logs = logs;
        this.logConfigFor = logConfigFor;
        this.minInsyncReplicasFor = minInsyncReplicasFor;
        this.watchers = watchers;
        this.topicMetrics = new TopicMetrics(meters);
        this.gauges = new PartitionGauges(meters, this);
    }

    public TopicMetrics topicMetrics() {
        return topicMetrics;
    }

    public int nodeId() {
        return nodeId;
    }

    public AppendWatchers watchers() {
        return watchers;
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Optional<Partition> partition(Uuid topicId, int index) {
        String name = topicNames.get(topicId);
        return name == null ? Optional.empty() : partition(new TopicPartition(name, index));
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** Appends a client batch as leader and wakes fetches waiting on the partition. */
    public LogAppendResult appendAsLeader(Partition partition, MemoryRecords records, short requiredAcks) {
        LogAppendResult result = partition.appendAsLeader(nodeId, records, requiredAcks);
        watchers.appended(partition.topicPartition());
        if (!result.duplicate()) {
            topicMetrics.appended(partition.topicPartition().topic(), result.sizeInBytes(), result.recordCount());
        }
        return result;
    }

    /** Appends a coordinator's batch (a transaction marker, a transactional offset commit) as leader. */
    public LogAppendResult appendAsCoordinator(Partition partition, MemoryRecords records) {
        LogAppendResult result = partition.appendAsCoordinator(nodeId, records);
        watchers.appended(partition.topicPartition());
        return result;
    }

    @Override
    public synchronized void onImage(MetadataImage previous, MetadataImage next) {
        Set<TopicPartition> hosted = new HashSet<>();
        for (TopicImage topic : next.topics().values()) {
            LogConfig config = logConfigFor.apply(topic);
            int minIsr = minInsyncReplicasFor.applyAsInt(topic);
            topicNames.put(topic.id(), topic.name());
            for (PartitionImage p : topic.partitions().values()) {
                if (!p.replicas().contains(nodeId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                hosted.add(tp);
                Partition.LeaderState state = new Partition.LeaderState(p.leader(), p.leaderEpoch(), p.isr().size(),
                        p.replicas().size(), minIsr);
                Partition existing = partitions.get(tp);
                if (existing != null && existing.topicId().equals(topic.id())) {
                    existing.update(state, config);
                } else {
                    if (existing != null) {
                        drop(existing);
                    }
                    partitions.put(tp, new Partition(tp, topic.id(), logs.getOrCreate(tp, config), state));
                    gauges.register(tp);
                }
            }
        }
        for (Partition p : partitions.values()) {
            if (!hosted.contains(p.topicPartition())) {
                drop(p);
            }
        }
        topicNames.keySet().retainAll(next.topicsById().keySet());
    }

    private void drop(Partition p) {
        partitions.remove(p.topicPartition());
        gauges.unregister(p.topicPartition());
        if (partitions.keySet().stream().noneMatch(tp -> tp.topic().equals(p.topicPartition().topic()))) {
            topicMetrics.forget(p.topicPartition().topic());
        }
        LOG.infof("Deleting the log of %s: its topic is gone or the partition moved away", p.topicPartition());
        logs.delete(p.topicPartition());
        watchers.appended(p.topicPartition());
    }
}
