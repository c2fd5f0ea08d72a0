package io.sluice.coordinator.txn;

import io.sluice.coordinator.DaemonThreads;
import io.sluice.coordinator.CoordinatorRuntime;
import io.sluice.coordinator.InternalTopic;
import io.sluice.coordinator.txn.TransactionCoordinatorShard.InitResult;
import io.sluice.metadata.MetadataListener;
import io.sluice.replica.ReplicaManager;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * The transaction coordinator as the request handlers see it: finds the {@code __transaction_state} partition that
 * owns a transactional id (Kafka's rule, so FindCoordinator from any client agrees) and runs the operation on that
 * partition's shard. Every transaction.abort.timed.out.transaction.cleanup.interval.ms it aborts transactions past
 * their timeout and retries the markers of prepared ones; every
 * transaction.remove.expired.transaction.cleanup.interval.ms it removes transactional ids idle for longer than
 * transactional.id.expiration.ms.
 */
public final class TransactionCoordinator implements AutoCloseable {
    public static final String TRANSACTION_STATE_TOPIC = "__transaction_state";

    private final CoordinatorRuntime<TransactionCoordinatorShard> runtime;
    private final InternalTopic stateTopic;
    private final int maxTimeoutMs;
    private final ProducerIdManager producerIds;
    private final ScheduledFuture<?> cleanup;
    private final ScheduledFuture<?> expiry;
    private final TransactionMarkerWriter markers;

    public TransactionCoordinator(ReplicaManager replicas, InternalTopic stateTopic, ProducerIdManager producerIds,
                                  TransactionMarkerWriter markers, ScheduledExecutorService scheduler,
                                  int maxTimeoutMs, long cleanupIntervalMs, long writeTimeoutMs,
                                  TransactionalIdExpiry idExpiry) {
        this.stateTopic = stateTopic;
        this.maxTimeoutMs = maxTimeoutMs;
        this.producerIds = producerIds;
        this.markers = markers;
        ExecutorService pool = Executors.newFixedThreadPool(2, DaemonThreads.named("sluice-txn-coordinator"));
        this.runtime = new CoordinatorRuntime<>(stateTopic.name(), replicas, pool,
                (partition, appender, executor) -> new TransactionCoordinatorShard(appender, executor, markers,
                        producerIds::nextProducerId, System::currentTimeMillis), writeTimeoutMs);
        this.cleanup = scheduler.scheduleAtFixedRate(() -> runtime.runOnAllActive(shard -> {
            shard.abortTimedOut();
            shard.completePrepared();
            return null;
        }), cleanupIntervalMs, cleanupIntervalMs, TimeUnit.MILLISECONDS);
        this.expiry = scheduler.scheduleAtFixedRate(() -> runtime.runOnAllActive(shard -> {
            shard.removeExpired(idExpiry.expirationMs());
            return null;
        }), idExpiry.checkIntervalMs(), idExpiry.checkIntervalMs(), TimeUnit.MILLISECONDS);
    }

    /** Registered with the metadata backend so partitions load and unload as leadership moves. */
    public MetadataListener metadataListener() {
        return runtime;
    }

    public InternalTopic stateTopic() {
        return stateTopic;
    }

    /** Kafka's placement rule: the same transactional id always lands on the same partition. */
    public int partitionFor(String transactionalId) {
        return Utils.abs(transactionalId.hashCode()) % stateTopic.partitionCount();
    }

    /** Reserves the next producer id block now (at startup), so InitProducerId does not wait for it later. */
    public void reserveProducerIdsAhead() {
        producerIds.prefetch();
    }

    /** A fresh producer id for an idempotent producer without a transactional id. */
    public CompletableFuture<Long> nextProducerId() {
        return producerIds.nextProducerId();
    }

    /** InitProducerId with a transactional id; a timeout above transaction.max.timeout.ms is refused. */
    public CompletableFuture<InitResult> initProducerId(String transactionalId, int timeoutMs, long producerId,
                                                        short epoch) {
        if (timeoutMs <= 0 || timeoutMs > maxTimeoutMs) {
            return CompletableFuture.completedFuture(InitResult.failed(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        return forTransactionalId(transactionalId, shard -> shard.initProducerId(transactionalId, timeoutMs,
                producerId, epoch));
    }

    public <T> CompletableFuture<T> forTransactionalId(String transactionalId,
                                                       Function<TransactionCoordinatorShard, CompletableFuture<T>> operation) {
        if (stateTopic.current().isEmpty()) {
            stateTopic.ensureCreated();
            return CompletableFuture.failedFuture(new CoordinatorNotAvailableException(
                    "The " + stateTopic.name() + " topic is being created"));
        }
        return runtime.run(partitionFor(transactionalId), operation);
    }

    /** A read over every loaded partition (ListTransactions); completes when all have answered. */
    public <T> CompletableFuture<List<T>> forAllLoaded(Function<TransactionCoordinatorShard, T> operation) {
        return runtime.runOnAllActive(operation);
    }

    /** True if any partition this broker leads is still loading. */
    public boolean anyLoading() {
        return runtime.anyLoading();
    }

    @Override
    public void close() {
        cleanup.cancel(false);
        expiry.cancel(false);
        runtime.close();
        markers.close();
    }

}
