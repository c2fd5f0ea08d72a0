package io.sluice.replica;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Where long-polling fetches wait for data (Kafka's delayed fetch). A fetch registers a watch on
 * its partitions BEFORE reading, so an append that lands between its read and its wait still
 * wakes it. A watch completes with {@code true} on the first append to any watched partition, or
 * with {@code false} at its deadline; either way the fetch reads again.
 */
public final class AppendWatchers {
    private final ConcurrentHashMap<TopicPartition, Set<Watch>> watchesByPartition = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    public AppendWatchers(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public Watch watch(Collection<TopicPartition> partitions) {
        Watch watch = new Watch(List.copyOf(partitions));
        for (TopicPartition tp : watch.partitions) {
            watchesByPartition.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(watch);
        }
        return watch;
    }

    /** Number of fetches currently parked (a gauge for operators). */
    public int waitingCount() {
        return (int) watchesByPartition.values().stream().flatMap(Set::stream).distinct().count();
    }

    void appended(TopicPartition tp) {
        Set<Watch> watches = watchesByPartition.get(tp);
        if (watches != null && !watches.isEmpty()) {
            for (Watch w : watches.toArray(new Watch[0])) {
                w.finish(true);
            }
        }
    }

    /** One parked fetch. */
    public final class Watch {
        private final List<TopicPartition> partitions;
        private final CompletableFuture<Boolean> fired = new CompletableFuture<>();

        private Watch(List<TopicPartition> partitions) {
            this.partitions = partitions;
        }

        /** Completes on the next append to a watched partition (true) or after {@code waitMs} (false). */
        public CompletableFuture<Boolean> await(long waitMs) {
            if (!fired.isDone()) {
                var timeout = timer.schedule(() -> finish(false), Math.max(0, waitMs), TimeUnit.MILLISECONDS);
                fired.whenComplete((r, e) -> timeout.cancel(false));
            }
            return fired;
        }

        public void cancel() {
            finish(false);
        }

        private void finish(boolean appended) {
            for (TopicPartition tp : partitions) {
                watchesByPartition.computeIfPresent(tp, (k, set) -> {
                    set.remove(this);
                    return set.isEmpty() ? null : set;
                });
            }
            fired.complete(appended);
        }
    }
}
