package io.sluice.replica;

import io.sluice.client.BrokerConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchRequestData.ReplicaState;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.jboss.logging.Logger;

/**
 * One replica fetcher thread: fetches the partitions this broker follows from one leader broker
 * with the Kafka Fetch API, as replica {@code localId}, and appends what comes back as-is. Each
 * fetch sends the last fetched epoch (KIP-595 style), so a leader finding our log diverged answers
 * with the diverging epoch and we truncate before fetching on. A partition under the follower-side
 * replication throttle sits out fetches while what it fetched is more than the throttle has allowed so
 * far. A dedicated thread with a blocking socket: it never runs on an event loop.
 */
final class ReplicaFetcher implements Runnable {
    private static final Logger LOG = Logger.getLogger(ReplicaFetcher.class);
    /** Topic ids (v13), last fetched epoch (v12), replica state instead of replica id (v15, KIP-903). */
    static final short FETCH_VERSION = 17;

    private final int localId;
    private final int sourceBroker;
    private final ReplicationSettings settings;
    private final IntFunction<Optional<InetSocketAddress>> endpoints;
    private final LongSupplier brokerEpoch;
    private final ReplicationThrottles throttles;
    private final BrokerConnection connection;
    private final Map<TopicPartition, FollowTarget> assigned = new ConcurrentHashMap<>();
    /** When each partition may be fetched again after an error; touched by the fetcher thread only. */
    private final Map<TopicPartition, Long> backoffUntil = new HashMap<>();
    /** Held while a response is applied; removal takes it so nothing is appended to a partition once it is let go. */
    private final Object applying = new Object();
    private final Object wakeup = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    ReplicaFetcher(int localId, int sourceBroker, int index, ReplicationSettings settings,
                   IntFunction<Optional<InetSocketAddress>> endpoints, LongSupplier brokerEpoch,
                   ReplicationThrottles throttles) {
        this.throttles = throttles;
        this.localId = localId;
        this.sourceBroker = sourceBroker;
        this.settings = settings;
        this.endpoints = endpoints;
        this.brokerEpoch = brokerEpoch;
        this.connection = new BrokerConnection("broker-" + localId + "-fetcher-" + index, settings.socketTimeoutMs());
        this.thread = new Thread(this, threadName(localId, sourceBroker, index));
        this.thread.setDaemon(true);
    }

    /** Kafka's ReplicaFetcherThread-{fetcher}-{source}, with this node's id (several nodes may share a JVM in tests). */
    static String threadName(int localId, int sourceBroker, int index) {
        return "sluice-replica-fetcher-" + index + "-" + sourceBroker + "-on-" + localId;
    }

    void start() {
        thread.start();
    }

    void add(FollowTarget target) {
        assigned.put(target.partition().topicPartition(), target);
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    /** Stops fetching tp; once this returns no fetched data is applied to it any more. */
    void remove(TopicPartition tp) {
        synchronized (applying) {
            assigned.remove(tp);
        }
    }

    boolean isEmpty() {
        return assigned.isEmpty();
    }

    void shutdown() {
        running = false;
        connection.close();
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                fetchOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "Replica fetcher from broker %d failed; retrying after backoff", sourceBroker);
                backOffAll();
            }
        }
    }

    private void fetchOnce() throws InterruptedException {
        Map<TopicPartition, FollowTarget> ready = readyPartitions();
        if (ready.isEmpty()) {
            waitForWork();
            return;
        }
        Optional<InetSocketAddress> address = endpoints.apply(sourceBroker);
        if (address.isEmpty()) {
            backOffAll();
            return;
        }
        Map<Key, Sent> sent = new HashMap<>();
        FetchRequestData request = request(ready, sent);
        if (sent.isEmpty()) {
            return;  // every ready partition is throttled for now
        }
        FetchResponseData response;
        try {
            response = (FetchResponseData) connection.send(address.get(), ApiKeys.FETCH, FETCH_VERSION, request,
                    settings.fetchWaitMaxMs() + settings.socketTimeoutMs());
        } catch (IOException e) {
            if (running) {
                LOG.debugf("Fetch from broker %d at %s failed: %s", sourceBroker, address.get(), e.getMessage());
                backOffAll();
            }
            return;
        }
        if (response.errorCode() != Errors.NONE.code()) {
            LOG.debugf("Fetch from broker %d answered %s", sourceBroker, Errors.forCode(response.errorCode()));
            backOffAll();
            return;
        }
        synchronized (applying) {
            for (FetchableTopicResponse topic : response.responses()) {
                for (PartitionData data : topic.partitions()) {
                    Sent s = sent.get(new Key(topic.topicId(), data.partitionIndex()));
                    if (s != null && assigned.get(s.target().partition().topicPartition()) == s.target()) {
                        applyOrBackOff(s, data);
                    }
                }
            }
        }
    }

    private record Key(Uuid topicId, int partition) {}

    /** throttle: the follower-side bucket that the fetched bytes count against, or null. */
    private record Sent(FollowTarget target, long fetchOffset, ThrottleBucket throttle) {}

    private FetchRequestData request(Map<TopicPartition, FollowTarget> ready, Map<Key, Sent> sent) {
        FetchRequestData request = new FetchRequestData()
                .setMaxWaitMs(settings.fetchWaitMaxMs())
                .setMinBytes(settings.fetchMinBytes())
                .setMaxBytes(settings.fetchResponseMaxBytes())
                .setSessionId(0)
                .setSessionEpoch(-1);
        // From v15 on (KIP-903) the replica id and broker epoch travel in ReplicaState; replicaId stays -1.
        request.setReplicaState(new ReplicaState().setReplicaId(localId).setReplicaEpoch(brokerEpoch.getAsLong()));
        Map<Uuid, FetchTopic> topics = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        for (FollowTarget target : ready.values()) {
            Partition p = target.partition();
            ThrottleBucket throttle = throttles.asFollower(p);
            long throttledForMs = throttle == null ? 0 : throttle.millisUntilAllowed();
            if (throttledForMs > 0) {
                // Over the follower throttle: left out until the bucket has repaid what was fetched, as Kafka
                // does. Asking for less instead could stall: the leader need not return a batch larger than asked.
                backoffUntil.put(p.topicPartition(), now + throttledForMs);
                continue;
            }
            long fetchOffset = p.log().logEndOffset();
            topics.computeIfAbsent(p.topicId(), id -> new FetchTopic().setTopicId(id))
                    .partitions().add(new FetchPartition()
                            .setPartition(p.topicPartition().partition())
                            .setCurrentLeaderEpoch(target.leaderEpoch())
                            .setFetchOffset(fetchOffset)
                            .setLastFetchedEpoch(p.log().latestEpoch())
                            .setLogStartOffset(p.log().logStartOffset())
                            .setPartitionMaxBytes(settings.fetchMaxBytes()));
            sent.put(new Key(p.topicId(), p.topicPartition().partition()), new Sent(target, fetchOffset, throttle));
        }
        request.topics().addAll(topics.values());
        return request;
    }

    /** A partition whose data cannot be applied (a storage error, a batch that does not fit) pauses alone. */
    private void applyOrBackOff(Sent sent, PartitionData data) {
        try {
            apply(sent, data);
        } catch (RuntimeException e) {
            TopicPartition tp = sent.target().partition().topicPartition();
            LOG.warnf(e, "Cannot apply the fetch of %s from broker %d; retrying after backoff", tp, sourceBroker);
            backoffUntil.put(tp, System.currentTimeMillis() + settings.fetchBackoffMs());
        }
    }

    private void apply(Sent sent, PartitionData data) {
        Partition partition = sent.target().partition();
        TopicPartition tp = partition.topicPartition();
        Errors error = Errors.forCode(data.errorCode());
        switch (error) {
            case NONE -> {
                FetchResponseData.EpochEndOffset diverging = data.divergingEpoch();
                if (diverging != null && diverging.epoch() >= 0) {
                    LOG.infof("Log of %s diverged from leader %d after epoch %d offset %d; truncating", tp,
                            sourceBroker, diverging.epoch(), diverging.endOffset());
                    partition.truncateDivergentSuffix(diverging.epoch(), diverging.endOffset());
                    return;
                }
                MemoryRecords records = (MemoryRecords) data.records();
                if (records != null && records.sizeInBytes() > 0 && sent.fetchOffset() == partition.log().logEndOffset()) {
                    partition.appendAsFollower(records);
                }
                if (records != null && sent.throttle() != null) {
                    sent.throttle().record(records.sizeInBytes());
                }
                partition.followLeaderLogStart(data.logStartOffset());
                partition.followLeaderHighWatermark(data.highWatermark());
            }
            case OFFSET_OUT_OF_RANGE -> {
                if (data.logStartOffset() > sent.fetchOffset()) {
                    LOG.infof("Leader %d of %s starts at %d, past our log end %d: starting over there", sourceBroker,
                            tp, data.logStartOffset(), sent.fetchOffset());
                    partition.restartAt(data.logStartOffset());
                } else {
                    // Our log is longer than the leader's and no epoch told us where it diverged: keep what is committed.
                    partition.truncateTo(Math.max(data.highWatermark(), partition.log().logStartOffset()));
                }
            }
            default -> {
                // Leadership moved or the leader's metadata lags ours: wait for the image to settle.
                LOG.debugf("Fetch of %s from broker %d answered %s", tp, sourceBroker, error);
                backoffUntil.put(tp, System.currentTimeMillis() + settings.fetchBackoffMs());
            }
        }
    }

    private Map<TopicPartition, FollowTarget> readyPartitions() {
        long now = System.currentTimeMillis();
        backoffUntil.values().removeIf(until -> until <= now);
        backoffUntil.keySet().retainAll(assigned.keySet());
        Map<TopicPartition, FollowTarget> ready = new LinkedHashMap<>(assigned);
        ready.keySet().removeAll(backoffUntil.keySet());
        return ready;
    }

    private void backOffAll() {
        long until = System.currentTimeMillis() + settings.fetchBackoffMs();
        assigned.keySet().forEach(tp -> backoffUntil.put(tp, until));
    }

    /** Parks until a partition is added or the earliest backoff ends. */
    private void waitForWork() throws InterruptedException {
        long now = System.currentTimeMillis();
        long wait = backoffUntil.values().stream().mapToLong(until -> until - now).min().orElse(settings.fetchBackoffMs());
        synchronized (wakeup) {
            if (running && readyPartitions().isEmpty()) {
                wakeup.wait(Math.max(1, wait));
            }
        }
    }
}
