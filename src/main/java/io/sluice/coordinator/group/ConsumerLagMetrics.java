package io.sluice.coordinator.group;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer group lag per group and partition, {@code sluice.consumergroup.lag{group,topic,partition}}
 * (after the {@code kafka_consumergroup_lag} gauge of the common Kafka exporters): the partition's high
 * watermark minus the group's committed offset, never below 0. A gauge exists while the group has a
 * committed offset for the partition on a coordinator partition this broker has loaded. NaN when this
 * broker holds no replica of the partition, so it cannot know the high watermark.
 *
 * <p>Threading: the coordinator shards call in from their own executors; scrapes read the committed
 * offset from a volatile field, never the shard's state.
 */
public final class ConsumerLagMetrics {
    public static final String NAME = "sluice.consumergroup.lag";

    private record Key(String group, TopicPartition partition) {}

    private static final class Tracked {
        final Object owner;
        volatile long committed;
        Gauge gauge;

        Tracked(Object owner) {
            this.owner = owner;
        }
    }

    private final MeterRegistry registry;
    private final Function<TopicPartition, OptionalLong> highWatermark;
    private final Map<Key, Tracked> tracked = new ConcurrentHashMap<>();

    /** @param highWatermark the high watermark of a partition this broker hosts, empty for one it does not */
    public ConsumerLagMetrics(MeterRegistry registry, Function<TopicPartition, OptionalLong> highWatermark) {
        this.registry = registry;
        this.highWatermark = highWatermark;
    }

    /**
     * A committed offset, from {@code owner} (one loaded coordinator partition). The owner is kept so
     * that a coordinator partition unloading late cannot remove the gauge its reloaded successor owns.
     */
    void committed(Object owner, String group, TopicPartition tp, long offset) {
        tracked.compute(new Key(group, tp), (key, existing) -> {
            Tracked t = existing != null && existing.owner == owner ? existing : replace(existing, owner, key);
            t.committed = offset;
            return t;
        });
    }

    /** The group no longer has an offset for the partition here (deleted, expired, or its partition unloaded). */
    void forgotten(Object owner, String group, TopicPartition tp) {
        tracked.computeIfPresent(new Key(group, tp), (key, existing) -> {
            if (existing.owner != owner) {
                return existing;
            }
            registry.remove(existing.gauge);
            return null;
        });
    }

    private Tracked replace(Tracked previous, Object owner, Key key) {
        if (previous != null) {
            registry.remove(previous.gauge);
        }
        Tracked t = new Tracked(owner);
        t.gauge = Gauge.builder(NAME, t, state -> lag(key.partition(), state.committed))
                .tags(Tags.of("group", key.group(), "topic", key.partition().topic(),
                        "partition", Integer.toString(key.partition().partition())))
                .description("High watermark minus the group's committed offset")
                .strongReference(true)
                .register(registry);
        return t;
    }

    private double lag(TopicPartition tp, long committed) {
        OptionalLong hw = highWatermark.apply(tp);
        return hw.isPresent() ? Math.max(0, hw.getAsLong() - committed) : Double.NaN;
    }
}
