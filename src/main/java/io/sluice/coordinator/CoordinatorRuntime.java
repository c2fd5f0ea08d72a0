package io.sluice.coordinator;

import io.sluice.log.LogAppendResult;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataListener;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.jboss.logging.Logger;

/**
 * Runs the shards of one coordinator over the partitions of its internal topic that this broker
 * leads. It follows the metadata image: a partition that becomes ours is loaded (its log replayed
 * into a fresh shard) on the partition's serial executor, one we lose is unloaded. Operations are
 * queued on the partition's executor, so a shard never sees two threads; while a partition loads,
 * callers are told COORDINATOR_LOAD_IN_PROGRESS, and for a partition we do not lead, NOT_COORDINATOR.
 */
public final class CoordinatorRuntime<S extends CoordinatorShard> implements MetadataListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CoordinatorRuntime.class);

    /** Creates the empty shard of one partition; the shard keeps the appender and executor it is given. */
    public interface ShardFactory<S> {
        S create(int partition, RecordAppender appender, SerialExecutor executor);
    }

    private enum State { LOADING, ACTIVE, CLOSED }

    private static final class Context<S> {
        final int partition;
        final SerialExecutor executor;
        volatile State state = State.LOADING;
        /** The last offset the shard appended; an answer waits for it only if its operation moved it. */
        volatile long lastAppendedOffset = -1;
        S shard;

        Context(int partition, SerialExecutor executor) {
            this.partition = partition;
            this.executor = executor;
        }
    }

    private final String topic;
    private final ReplicaManager replicas;
    private final ExecutorService pool;
    private final ShardFactory<S> factory;
    private final long replicationTimeoutMs;
    private final Map<Integer, Context<S>> contexts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param replicationTimeoutMs how long an answer may wait for the records behind it to reach the in-sync
     *                             replicas (offsets.commit.timeout.ms for groups); then the caller is told
     *                             COORDINATOR_NOT_AVAILABLE and retries
     */
    public CoordinatorRuntime(String topic, ReplicaManager replicas, ExecutorService pool, ShardFactory<S> factory,
                              long replicationTimeoutMs) {
        this.topic = topic;
        this.replicas = replicas;
        this.pool = pool;
        this.factory = factory;
        this.replicationTimeoutMs = replicationTimeoutMs;
    }

    public String topic() {
        return topic;
    }

    /**
     * Runs an operation on a partition's shard, on that partition's executor. The operation's future
     * may complete later (a JoinGroup waiting for the rebalance), from the same executor. An answer
     * given after records were appended goes out only once they are on the in-sync replicas: a commit
     * acknowledged by a coordinator that fails right after must survive on the new one. Operations
     * that appended nothing (heartbeats, fetches) answer at once.
     */
    public <T> CompletableFuture<T> run(int partition, Function<S, CompletableFuture<T>> operation) {
        Context<S> context = contexts.get(partition);
        if (context == null || context.state == State.CLOSED) {
            return CompletableFuture.failedFuture(new NotCoordinatorException(
                    "This broker is not the coordinator of " + topic + "-" + partition));
        }
        if (context.state == State.LOADING) {
            return CompletableFuture.failedFuture(new CoordinatorLoadInProgressException(
                    topic + "-" + partition + " is still loading"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        context.executor.execute(() -> {
            if (context.state != State.ACTIVE) {
                result.completeExceptionally(new NotCoordinatorException(
                        "This broker is no longer the coordinator of " + topic + "-" + partition));
                return;
            }
            long appendedBefore = context.lastAppendedOffset;
            try {
                operation.apply(context.shard).whenComplete((value, error) -> {
                    long appended = context.lastAppendedOffset;
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else if (appended == appendedBefore) {
                        result.complete(value);
                    } else {
                        awaitReplicated(context.partition, appended).whenComplete((done, notReplicated) -> {
                            if (notReplicated != null) {
                                result.completeExceptionally(notReplicated);
                            } else {
                                result.complete(value);
                            }
                        });
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Completes once the partition's high watermark passes lastOffset, as acks=all would have it. */
    private CompletableFuture<Void> awaitReplicated(int partitionIndex, long lastOffset) {
        TopicPartition tp = new TopicPartition(topic, partitionIndex);
        Partition partition = replicas.partition(tp).orElse(null);
        if (partition == null) {
            return CompletableFuture.failedFuture(new NotCoordinatorException("This broker no longer hosts " + tp));
        }
        return replicas.awaitReplication(partition, lastOffset, replicationTimeoutMs).thenApply(error -> {
            if (error == Errors.NOT_LEADER_OR_FOLLOWER) {
                throw new NotCoordinatorException("This broker lost the leadership of " + tp
                        + " before its records were replicated");
            }
            if (error != Errors.NONE) {
                throw new CoordinatorNotAvailableException("The records of " + tp + " did not reach the in-sync"
                        + " replicas: " + error.message());
            }
            return null;
        });
    }

    /** Runs an operation on every active shard (ListGroups, ListTransactions, periodic checks); completes with all answers. */
    public <T> CompletableFuture<List<T>> runOnAllActive(Function<S, T> operation) {
        List<CompletableFuture<T>> answers = new ArrayList<>();
        for (Context<S> context : contexts.values()) {
            if (context.state == State.ACTIVE) {
                answers.add(run(context.partition, shard -> CompletableFuture.completedFuture(operation.apply(shard))));
            }
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<T> out = new ArrayList<>();
            answers.forEach(a -> out.add(a.join()));
            return out;
        });
    }

    /** True if any partition this broker leads is still loading. */
    public boolean anyLoading() {
        return contexts.values().stream().anyMatch(c -> c.state == State.LOADING);
    }

    @Override
    public synchronized void onImage(MetadataImage previous, MetadataImage next) {
        if (closed) {
            return;
        }
        Set<Integer> leading = new HashSet<>();
        TopicImage topicImage = next.topics().get(topic);
        if (topicImage != null) {
            for (PartitionImage p : topicImage.partitions().values()) {
                if (p.leader() == replicas.nodeId()) {
                    leading.add(p.partition());
                }
            }
        }
        for (Context<S> context : List.copyOf(contexts.values())) {
            if (!leading.contains(context.partition)) {
                unload(context);
            }
        }
        for (int partition : leading) {
            if (!contexts.containsKey(partition)) {
                Context<S> context = new Context<>(partition, new SerialExecutor(pool));
                contexts.put(partition, context);
                context.executor.execute(() -> load(context));
            }
        }
    }

    private void load(Context<S> context) {
        if (context.state != State.LOADING) {
            return;
        }
        TopicPartition tp = new TopicPartition(topic, context.partition);
        long t0 = System.nanoTime();
        try {
            Partition partition = replicas.partition(tp)
                    .orElseThrow(() -> new IllegalStateException("no local replica of " + tp));
            S shard = factory.create(context.partition, new LogAppender(tp, context), context.executor);
            long count = CoordinatorLoader.load(partition.log(), shard);
            context.shard = shard;
            shard.onLoaded();
            context.state = State.ACTIVE;
            LOG.infof("Loaded coordinator partition %s: %d records in %d ms", tp, count,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        } catch (RuntimeException e) {
            // Leave it out of service rather than serve half a state; a later image retries the load.
            LOG.errorf(e, "Could not load coordinator partition %s", tp);
            context.state = State.CLOSED;
            contexts.remove(context.partition, context);
        }
    }

    private void unload(Context<S> context) {
        contexts.remove(context.partition, context);
        context.executor.execute(() -> {
            State was = context.state;
            context.state = State.CLOSED;
            if (was == State.ACTIVE && context.shard != null) {
                context.shard.onUnloaded();
                LOG.infof("Unloaded coordinator partition %s-%d", topic, context.partition);
            }
        });
    }

    /** Writes a shard's records to its partition of the internal topic. */
    private final class LogAppender implements RecordAppender {
        private final TopicPartition tp;
        private final Context<S> context;

        LogAppender(TopicPartition tp, Context<S> context) {
            this.tp = tp;
            this.context = context;
        }

        @Override
        public void append(List<CoordinatorRecord> records) {
            if (!records.isEmpty()) {
                context.lastAppendedOffset = write(tp, partition -> replicas.appendAsLeader(partition,
                        MemoryRecords.withRecords(Compression.NONE, simple(records)), (short) -1));
            }
        }

        /**
         * Written for a producer at sequence 0 (the record format needs one): the log does not check a coordinator's
         * sequences, only the producer epoch.
         */
        @Override
        public void appendTransactional(long producerId, short producerEpoch, List<CoordinatorRecord> records) {
            if (!records.isEmpty()) {
                context.lastAppendedOffset = write(tp, partition -> replicas.appendAsCoordinator(partition,
                        MemoryRecords.withTransactionalRecords(
                        Compression.NONE, producerId, producerEpoch, 0, simple(records))));
            }
        }
    }

    private static SimpleRecord[] simple(List<CoordinatorRecord> records) {
        long now = System.currentTimeMillis();
        SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            simple[i] = new SimpleRecord(now, records.get(i).key(), records.get(i).value());
        }
        return simple;
    }

    /**
     * Appends as leader with acks=all semantics, returning the last offset written; failures become the
     * coordinator errors clients retry on.
     */
    private long write(TopicPartition tp, Function<Partition, LogAppendResult> append) {
        Partition partition = replicas.partition(tp).orElseThrow(() -> new NotCoordinatorException(
                "This broker no longer hosts " + tp));
        try {
            return append.apply(partition).lastOffset();
        } catch (NotLeaderOrFollowerException | KafkaStorageException e) {
            throw new NotCoordinatorException("Cannot write to " + tp + ": " + e.getMessage());
        } catch (NotEnoughReplicasException e) {
            throw new CoordinatorNotAvailableException("Cannot write to " + tp + ": " + e.getMessage());
        } catch (RecordTooLargeException | RecordBatchTooLargeException e) {
            throw e; // the caller knows what a too-large write means for its request
        } catch (ApiException e) {
            throw new CoordinatorNotAvailableException("Cannot write to " + tp + ": " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Context<S> context : List.copyOf(contexts.values())) {
            unload(context);
        }
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
