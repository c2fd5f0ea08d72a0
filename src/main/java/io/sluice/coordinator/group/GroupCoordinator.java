package io.sluice.coordinator.group;

import io.sluice.coordinator.DaemonThreads;
import io.sluice.coordinator.CoordinatorRuntime;
import io.sluice.coordinator.InternalTopic;
import io.sluice.metadata.MetadataListener;
import io.sluice.replica.ReplicaManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import io.sluice.metadata.MetadataImage;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.utils.Utils;

/**
 * The group coordinator as the request handlers see it: finds the {@code __consumer_offsets}
 * partition that owns a group (Kafka's rule, so any client's FindCoordinator agrees) and runs the
 * operation on that partition's shard.
 */
public final class GroupCoordinator implements AutoCloseable {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final CoordinatorRuntime<GroupCoordinatorShard> runtime;
    private final InternalTopic offsetsTopic;
    private final GroupConfig config;
    private final Supplier<MetadataImage> image;

    /**
     * @param image the topics KIP-848 groups subscribe to and are assigned by id
     * @param meters where the lag per group and partition is reported ({@link ConsumerLagMetrics})
     */
    public GroupCoordinator(ReplicaManager replicas, InternalTopic offsetsTopic, ScheduledExecutorService scheduler,
                            GroupConfig config, ConsumerGroupConfig consumerConfig, Supplier<MetadataImage> image,
                            int threads, MeterRegistry meters) {
        this.offsetsTopic = offsetsTopic;
        this.config = config;
        this.image = image;
        ConsumerLagMetrics lag = new ConsumerLagMetrics(meters, tp -> replicas.partition(tp)
                .map(p -> OptionalLong.of(p.highWatermark())).orElse(OptionalLong.empty()));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), DaemonThreads.named("sluice-group-coordinator"));
        this.runtime = new CoordinatorRuntime<>(offsetsTopic.name(), replicas, pool,
                (partition, appender, executor) -> new GroupCoordinatorShard(partition, appender, executor, scheduler,
                        config, consumerConfig, image, System::currentTimeMillis, lag), config.offsetsCommitTimeoutMs());
    }

    /** Registered with the metadata backend so partitions load and unload as leadership moves. */
    public MetadataListener metadataListener() {
        return runtime;
    }

    public InternalTopic offsetsTopic() {
        return offsetsTopic;
    }

    /** The metadata the coordinator sees; handlers use it to translate topic ids (OffsetCommit/OffsetFetch v10). */
    public MetadataImage image() {
        return image.get();
    }

    public GroupConfig config() {
        return config;
    }

    /** Kafka's placement rule: the same group always lands on the same partition. */
    public int partitionFor(String groupId) {
        return Utils.abs(groupId.hashCode()) % offsetsTopic.partitionCount();
    }

    public <T> CompletableFuture<T> forGroup(String groupId,
                                             Function<GroupCoordinatorShard, CompletableFuture<T>> operation) {
        if (offsetsTopic.current().isEmpty()) {
            offsetsTopic.ensureCreated();
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(
                    "The " + offsetsTopic.name() + " topic is being created"));
        }
        return runtime.run(partitionFor(groupId), operation);
    }

    /**
     * A transaction marker reached {@code __consumer_offsets} partition {@code partition}: the producer's
     * transactional offsets there are applied (committed) or dropped.
     */
    public CompletableFuture<Void> completeTransaction(int partition, long producerId, boolean committed) {
        return runtime.run(partition, shard -> {
            shard.completeTransaction(producerId, committed);
            return CompletableFuture.completedFuture(null);
        });
    }

    /** A read over every loaded partition (ListGroups); completes when all have answered. */
    public <T> CompletableFuture<List<T>> forAllLoaded(Function<GroupCoordinatorShard, T> operation) {
        return runtime.runOnAllActive(operation);
    }

    public boolean anyLoading() {
        return runtime.anyLoading();
    }

    @Override
    public void close() {
        runtime.close();
    }

}
