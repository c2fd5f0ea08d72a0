package io.sluice.replica;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Gauges about the hosted partitions: per-partition log size and segment count (Kafka's Log.Size
 * and NumLogSegments), broker-wide under-replicated and offline partition counts (Kafka's
 * ReplicaManager.UnderReplicatedPartitions and OfflinePartitionsCount), and the followers' largest
 * lag (ReplicaFetcherManager.MaxLag), the acks=all produces waiting (the delayed-produce purgatory),
 * and counters of the ISR shrinks and expands of partitions this broker leads (Kafka's
 * IsrShrinksPerSec and IsrExpandsPerSec, as totals: Prometheus derives the rate).
 */
final class PartitionGauges {
    private final MeterRegistry registry;
    private final ReplicaManager replicas;
    private final Map<TopicPartition, List<Gauge>> perPartition = new ConcurrentHashMap<>();
    private final Counter isrShrinks;
    private final Counter isrExpands;

    PartitionGauges(MeterRegistry registry, ReplicaManager replicas) {
        this.registry = registry;
        this.replicas = replicas;
        Gauge.builder("sluice.partitions.under.replicated", replicas,
                r -> r.partitions().stream().filter(Partition::isUnderReplicated).count()).register(registry);
        Gauge.builder("sluice.partitions.offline", replicas,
                r -> r.partitions().stream().filter(p -> p.leaderId() < 0).count()).register(registry);
        Gauge.builder("sluice.fetch.delayed", replicas, r -> r.watchers().waitingCount()).register(registry);
        Gauge.builder("sluice.produce.delayed", replicas,
                r -> r.partitions().stream().mapToInt(Partition::waitingProduces).sum()).register(registry);
        isrShrinks = Counter.builder("sluice.isr.shrinks").register(registry);
        isrExpands = Counter.builder("sluice.isr.expands").register(registry);
        // Kafka's ReplicaFetcherManager MaxLag: the largest lag, in records, of a partition this broker follows.
        Gauge.builder("sluice.replica.fetcher.max.lag", replicas, r -> r.partitions().stream()
                .filter(Partition::isFollower).mapToLong(Partition::followerLag).max().orElse(0)).register(registry);
    }

    /** A partition this broker leads in the same leader epoch went from one ISR to another. */
    void isrChanged(List<Integer> before, List<Integer> after) {
        if (!after.containsAll(before)) {
            isrShrinks.increment();
        }
        if (!before.containsAll(after)) {
            isrExpands.increment();
        }
    }

    void register(TopicPartition tp) {
        Tags tags = Tags.of("topic", tp.topic(), "partition", String.valueOf(tp.partition()));
        perPartition.put(tp, List.of(
                Gauge.builder("sluice.log.size", replicas, r -> r.partition(tp).map(p -> p.log().sizeInBytes()).orElse(0L))
                        .tags(tags).baseUnit("bytes").register(registry),
                Gauge.builder("sluice.log.segments", replicas, r -> r.partition(tp).map(p -> p.log().segmentCount()).orElse(0))
                        .tags(tags).register(registry)));
    }

    void unregister(TopicPartition tp) {
        List<Gauge> gauges = perPartition.remove(tp);
        if (gauges != null) {
            gauges.forEach(registry::remove);
        }
    }
}
