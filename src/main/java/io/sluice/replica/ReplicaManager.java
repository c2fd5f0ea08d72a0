package io.sluice.replica;

import io.sluice.log.LogAppendResult;
import io.sluice.log.LogConfig;
import io.sluice.log.LogManager;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.ControllerChannel;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.jboss.logging.Logger;

/**
 * The partitions this broker hosts, kept in step with the metadata image: a partition appears
 * (its log created or loaded) when the image assigns it here, and its log is deleted when its
 * topic leaves the image. Produce and fetch go through here. Partitions this broker follows are
 * fetched from their leaders by replica fetcher threads; the image decides who leads.
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
    private final ReplicationSettings settings;
    private final ReplicaFetcherManager fetchers;
    private final ReplicationThrottles throttles;
    private final IsrChangeSender isrChanges;
    private final ScheduledFuture<?> isrShrinkCheck;
    private final HighWatermarkCheckpoints highWatermarks;
    private final ScheduledFuture<?> highWatermarkCheckpointing;
    private volatile MetadataImage image;
    private volatile long brokerEpoch = -1;

    public ReplicaManager(int nodeId, LogManager logs, Function<TopicImage, LogConfig> logConfigFor,
                          ToIntFunction<TopicImage> minInsyncReplicasFor, AppendWatchers watchers,
                          MeterRegistry meters, ReplicationSettings settings, ControllerChannel controller,
                          ScheduledExecutorService timer) {
        this.nodeId = nodeId;
        this.settings = settings;
        this.isrChanges = new IsrChangeSender(nodeId, () -> brokerEpoch, controller, timer);
        // Kafka checks for lagging followers every half replica.lag.time.max.ms.
        long checkMs = Math.max(1, settings.lagTimeMaxMs() / 2);
        this.isrShrinkCheck = timer.scheduleWithFixedDelay(this::shrinkLaggingIsrs, checkMs, checkMs, TimeUnit.MILLISECONDS);
        this.highWatermarks = new HighWatermarkCheckpoints(logs.logDirs());
        long checkpointMs = settings.highWatermarkCheckpointIntervalMs();
        this.highWatermarkCheckpointing = timer.scheduleWithFixedDelay(() -> highWatermarks.write(partitions.values()),
                checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
        this.throttles = new ReplicationThrottles(nodeId);
        this.fetchers = new ReplicaFetcherManager(nodeId, settings, this::interBrokerAddress, () -> brokerEpoch, throttles);
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

    ReplicationThrottles throttles() {
        return throttles;
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

    /** Whether the metadata knows the partition (by name, or by topic id when tp is null), hosted here or not. */
    public boolean existsInMetadata(TopicPartition tp, Uuid topicId, int index) {
        MetadataImage current = image;
        if (current == null) {
            return false;
        }
        Optional<TopicImage> topic = tp != null ? current.topic(tp.topic()) : current.topic(topicId);
        return topic.map(t -> t.partitions().containsKey(index)).orElse(false);
    }

    /** The latest metadata image this broker applied (null before the first). */
    MetadataImage image() {
        return image;
    }

    public Collection<Partition> partitions() {
        return partitions.values();
    }

    /** The epoch the controller gave this broker's registration; followers send it with their fetches. */
    public void brokerEpoch(long epoch) {
        this.brokerEpoch = epoch;
    }

    /**
     * Once registered, this broker's epoch is that of its registration as the metadata shows it: a
     * registration the backend renewed by itself (zk mode, after a session expiry, under a new znode
     * and so a new epoch) would otherwise leave fetches and ISR changes carrying a stale one.
     */
    private void followOwnRegistration(MetadataImage next) {
        BrokerImage self = next.brokers().get(nodeId);
        if (brokerEpoch != -1 && self != null && self.epoch() != brokerEpoch) {
            LOG.infof("Broker %d registered again: broker epoch %d", nodeId, self.epoch());
            brokerEpoch = self.epoch();
        }
    }

    /** Where to fetch from broker id: its inter-broker listener, else its first advertised endpoint. */
    private Optional<InetSocketAddress> interBrokerAddress(int brokerId) {
        MetadataImage current = image;
        BrokerImage broker = current == null ? null : current.brokers().get(brokerId);
        if (broker == null || broker.endpoints().isEmpty()) {
            return Optional.empty();
        }
        BrokerEndpoint endpoint = broker.endpoint(settings.interBrokerListener()).orElse(broker.endpoints().get(0));
        return Optional.of(new InetSocketAddress(endpoint.host(), endpoint.port()));
    }

    /**
     * A follower's fetch reached the leader: its fetch offset is its log end. Moves the high
     * watermark when that makes every in-sync replica hold more.
     */
    public void followerFetched(Partition partition, int replicaId, long replicaBrokerEpoch, long fetchOffset,
                                long leaderEndOffset) {
        partition.followerFetched(replicaId, replicaBrokerEpoch, fetchOffset, leaderEndOffset, System.currentTimeMillis());
        if (!partition.state().isr().contains(replicaId)) {
            partition.proposeIsrExpansion(this::isrEligible).ifPresent(isrChanges::send);
        }
    }

    /**
     * A follower's broker is registered, unfenced, and fetches with the epoch of its current
     * registration (or sent none). A restarted broker fetches before the controller unfences it:
     * until then the controller would refuse it with INELIGIBLE_REPLICA at every fetch.
     */
    private boolean isrEligible(int brokerId, long brokerEpoch) {
        MetadataImage current = image;
        BrokerImage broker = current == null ? null : current.brokers().get(brokerId);
        return broker != null && !broker.fenced() && (brokerEpoch == -1 || brokerEpoch == broker.epoch());
    }

    /** Proposes dropping the followers that lag by more than replica.lag.time.max.ms from the ISRs this broker leads. */
    private void shrinkLaggingIsrs() {
        long now = System.currentTimeMillis();
        for (Partition partition : partitions.values()) {
            try {
                partition.proposeIsrShrink(now, settings.lagTimeMaxMs()).ifPresent(isrChanges::send);
            } catch (RuntimeException e) {
                LOG.warnf(e, "ISR check of %s failed", partition.topicPartition());
            }
        }
    }

    /**
     * acks=all: completes with NONE once the high watermark passes lastOffset,
     * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min.insync.replicas meanwhile,
     * NOT_LEADER_OR_FOLLOWER if leadership moved, or REQUEST_TIMED_OUT after timeoutMs.
     */
    public CompletableFuture<Errors> awaitReplication(Partition partition, long lastOffset, long timeoutMs) {
        return partition.awaitReplication(lastOffset)
                .completeOnTimeout(Errors.REQUEST_TIMED_OUT, Math.max(0, timeoutMs), TimeUnit.MILLISECONDS);
    }

    /** Appends a client batch as leader and wakes fetches waiting on the partition. */
    public LogAppendResult appendAsLeader(Partition partition, MemoryRecords records, short requiredAcks) {
        LogAppendResult result = partition.appendAsLeader(nodeId, records, requiredAcks);
        // Followers park on the log end, consumers on the high watermark: either may have moved.
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
        image = next;
        followOwnRegistration(next);
        throttles.onImage(next);
        long now = System.currentTimeMillis();
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
                Partition.LeaderState state = new Partition.LeaderState(p.leader(), p.leaderEpoch(), p.replicas(),
                        p.isr(), p.partitionEpoch(), minIsr, p.addingReplicas());
                Partition existing = partitions.get(tp);
                Partition partition;
                if (existing != null && existing.topicId().equals(topic.id())) {
                    boolean sameLeadership = existing.leaderId() == p.leader() && existing.leaderEpoch() == p.leaderEpoch();
                    if (!sameLeadership) {
                        // Stop fetching before the role changes: no follower append may land after the new epoch starts.
                        fetchers.stopFollowing(tp);
                    }
                    Partition.LeaderState before = existing.state();
                    existing.update(state, config, now);
                    if (sameLeadership && p.leader() == nodeId && !before.isr().equals(state.isr())) {
                        gauges.isrChanged(before.isr(), state.isr());
                    }
                    partition = existing;
                } else {
                    if (existing != null) {
                        drop(existing);
                    }
                    partition = new Partition(tp, topic.id(), logs.getOrCreate(tp, config), nodeId, state,
                            watchers::appended, highWatermarks.loaded(tp), now);
                    partitions.put(tp, partition);
                    gauges.register(tp);
                }
                if (partition.isFollower()) {
                    fetchers.follow(new FollowTarget(partition, p.leader(), p.leaderEpoch()));
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

    /** Stops the replica fetcher threads and the ISR checks, and checkpoints the high watermarks a last time. */
    public void close() {
        isrShrinkCheck.cancel(false);
        highWatermarkCheckpointing.cancel(false);
        fetchers.shutdown();
        highWatermarks.write(partitions.values());
    }

    private void drop(Partition p) {
        fetchers.stopFollowing(p.topicPartition());
        partitions.remove(p.topicPartition());
        p.stopHosting();
        gauges.unregister(p.topicPartition());
        if (partitions.keySet().stream().noneMatch(tp -> tp.topic().equals(p.topicPartition().topic()))) {
            topicMetrics.forget(p.topicPartition().topic());
        }
        LOG.infof("Deleting the log of %s: its topic is gone or the partition moved away", p.topicPartition());
        logs.delete(p.topicPartition());
        watchers.appended(p.topicPartition());
    }
}
