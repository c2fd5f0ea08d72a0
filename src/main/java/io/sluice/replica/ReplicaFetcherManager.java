package io.sluice.replica;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Spreads the followed partitions over fetcher threads: num.replica.fetchers threads per source
 * broker, a partition always on the same one (by a hash of its name), as Kafka does. Threads start
 * with their first partition and stop with their last.
 */
final class ReplicaFetcherManager {
    private record FetcherKey(int sourceBroker, int index) {}

    private final int localId;
    private final ReplicationSettings settings;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final LongSupplier brokerEpoch;
    private final ReplicationThrottles throttles;
    private final Map<FetcherKey, ReplicaFetcher> fetchers = new HashMap<>();
    private final Map<TopicPartition, FollowTarget> following = new HashMap<>();
    /** Set by shutdown: the metadata image may still move while the broker closes, but no new fetcher starts. */
    private boolean shutDown;

    ReplicaFetcherManager(int localId, ReplicationSettings settings, IntFunction<Optional<InetSocketAddress>> endpoints,
                          LongSupplier brokerEpoch, ReplicationThrottles throttles) {
        this.throttles = throttles;
        this.localId = localId;
        this.settings = settings;
        this.endpoints = endpoints;
        this.brokerEpoch = brokerEpoch;
    }

    /** Fetches tp from target's leader at target's epoch, moving it off any fetcher it was on. */
    synchronized void follow(FollowTarget target) {
        if (shutDown) {
            return;
        }
        TopicPartition tp = target.partition().topicPartition();
        FollowTarget current = following.get(tp);
        if (current != null && current.leader() == target.leader() && current.leaderEpoch() == target.leaderEpoch()
                && current.partition() == target.partition()) {
            return;
        }
        stopFollowing(tp);
        FetcherKey key = new FetcherKey(target.leader(), fetcherIndex(tp, settings.numFetchers()));
        ReplicaFetcher fetcher = fetchers.computeIfAbsent(key, k -> {
            ReplicaFetcher f = new ReplicaFetcher(localId, k.sourceBroker(), k.index(), settings, endpoints, brokerEpoch,
                    throttles);
            f.start();
            return f;
        });
        fetcher.add(target);
        following.put(tp, target);
    }

    /** Which of a source broker's fetcher threads fetches tp: always the same one. */
    static int fetcherIndex(TopicPartition tp, int numFetchers) {
        return Utils.abs(31 * tp.topic().hashCode() + tp.partition()) % Math.max(1, numFetchers);
    }

    /** Stops fetching tp; when this returns, no fetched batch is appended to it any more. */
    synchronized void stopFollowing(TopicPartition tp) {
        if (following.remove(tp) == null) {
            return;
        }
        for (Iterator<ReplicaFetcher> it = fetchers.values().iterator(); it.hasNext(); ) {
            ReplicaFetcher fetcher = it.next();
            fetcher.remove(tp);
            if (fetcher.isEmpty()) {
                fetcher.shutdown();
                it.remove();
            }
        }
    }

    synchronized void shutdown() {
        shutDown = true;
        fetchers.values().forEach(ReplicaFetcher::shutdown);
        fetchers.clear();
        following.clear();
    }
}
