package io.sluice.coordinator.txn;

import io.sluice.coordinator.CoordinatorRecord;
import io.sluice.coordinator.CoordinatorShard;
import io.sluice.coordinator.RecordAppender;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * The transactional ids of one {@code __transaction_state} partition (KIP-98). Each change is appended before it is
 * applied, so a reply never describes state the log does not hold. Ending a transaction is two-phase: PREPARE_COMMIT
 * or PREPARE_ABORT makes the decision durable, then the markers are written to every partition of the transaction,
 * then COMPLETE_COMMIT or COMPLETE_ABORT. Prepared transactions whose markers could not all be written (and those
 * found prepared on load) are completed again by {@link #completePrepared}. Runs on the partition's serial executor.
 */
public final class TransactionCoordinatorShard implements CoordinatorShard {
    private static final Logger LOG = Logger.getLogger(TransactionCoordinatorShard.class);
    /** Kafka leaves the top epoch unused so that a fencing bump always has room. */
    private static final short MAX_EPOCH = Short.MAX_VALUE - 1;

    /** What InitProducerId answers. */
    public record InitResult(Errors error, long producerId, short producerEpoch) {
        static InitResult failed(Errors error) {
            return new InitResult(error, -1, (short) -1);
        }
    }

    private final Map<String, TransactionMetadata> txns = new HashMap<>();
    /** Transactional ids whose markers are being written now. */
    private final Set<String> completing = new HashSet<>();
    private final RecordAppender appender;
    private final Executor executor;
    private final TransactionMarkerWriter markers;
    private final Supplier<CompletableFuture<Long>> producerIds;
    private final LongSupplier clock;

    public TransactionCoordinatorShard(RecordAppender appender, Executor executor, TransactionMarkerWriter markers,
                                       Supplier<CompletableFuture<Long>> producerIds, LongSupplier clock) {
        this.appender = appender;
        this.executor = executor;
        this.markers = markers;
        this.producerIds = producerIds;
        this.clock = clock;
    }

    @Override
    public void replay(byte[] key, byte[] value) {
        String id = TransactionRecordSerde.readKey(key);
        if (value == null) {
            txns.remove(id);
        } else {
            txns.put(id, TransactionRecordSerde.readValue(id, value));
        }
    }

    @Override
    public void onLoaded() {
        completePrepared();
    }

    @Override
    public void onUnloaded() {
        completing.clear();
    }

    // ------------------------------------------------------------------ InitProducerId

    /**
     * Hands the transactional id its producer id with a bumped epoch, fencing older instances. An open transaction is
     * aborted first (under the bumped epoch, so the old instance cannot add to it) and the caller is told
     * CONCURRENT_TRANSACTIONS, on which clients retry. expectedProducerId/Epoch (KIP-360, -1 if absent) must match.
     */
    public CompletableFuture<InitResult> initProducerId(String id, int timeoutMs, long expectedProducerId,
                                                        short expectedEpoch) {
        TransactionMetadata m = txns.get(id);
        if (m == null) {
            return producerIds.get().thenApplyAsync(pid -> {
                if (txns.containsKey(id)) {
                    return InitResult.failed(Errors.CONCURRENT_TRANSACTIONS);
                }
                return store(new TransactionMetadata(id, pid, (short) 0, timeoutMs, TransactionState.EMPTY, Set.of(),
                        -1, clock.getAsLong()));
            }, executor);
        }
        if (m.state().isPreparing() || completing.contains(id)) {
            return done(InitResult.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        if (expectedProducerId >= 0 && (expectedProducerId != m.producerId() || expectedEpoch != m.producerEpoch())) {
            return done(InitResult.failed(Errors.PRODUCER_FENCED));
        }
        if (m.state() == TransactionState.ONGOING) {
            Errors error = fenceAndAbort(m);
            return done(InitResult.failed(error == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : error));
        }
        if (m.producerEpoch() >= MAX_EPOCH) {
            // Epochs exhausted: a new producer id starts again at epoch 0.
            return producerIds.get().thenApplyAsync(pid -> store(m.withProducer(pid, (short) 0, timeoutMs,
                    clock.getAsLong())), executor);
        }
        return done(store(m.withProducer(m.producerId(), (short) (m.producerEpoch() + 1), timeoutMs, clock.getAsLong())));
    }

    private InitResult store(TransactionMetadata next) {
        Errors error = write(next);
        return error == Errors.NONE ? new InitResult(Errors.NONE, next.producerId(), next.producerEpoch())
                : InitResult.failed(error);
    }

    // ------------------------------------------------------------------ AddPartitionsToTxn, AddOffsetsToTxn

    /** Adds partitions to the producer's transaction, opening it if none is open. */
    public Errors addPartitions(String id, long producerId, short epoch, Collection<TopicPartition> partitions) {
        TransactionMetadata m = txns.get(id);
        Errors error = checkProducer(m, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        boolean ongoing = m.state() == TransactionState.ONGOING;
        if (ongoing && m.partitions().containsAll(partitions)) {
            return Errors.NONE;
        }
        Set<TopicPartition> all = new HashSet<>(ongoing ? m.partitions() : Set.of());
        all.addAll(partitions);
        long now = clock.getAsLong();
        return write(m.with(TransactionState.ONGOING, all, ongoing ? m.startTimestamp() : now, now));
    }

    // ------------------------------------------------------------------ EndTxn

    /**
     * Commits or aborts the open transaction. Answers once the markers are written, or, if some could not be, once
     * the decision is durable: the markers are then retried, and the producer's next request waits for them.
     */
    public CompletableFuture<Errors> endTransaction(String id, long producerId, short epoch, boolean commit) {
        TransactionMetadata m = txns.get(id);
        Errors error = checkProducer(m, producerId, epoch);
        if (error != Errors.NONE) {
            return done(error);
        }
        switch (m.state()) {
            case COMPLETE_COMMIT:
                return done(commit ? Errors.NONE : Errors.INVALID_TXN_STATE); // a retried EndTxn
            case COMPLETE_ABORT:
                return done(commit ? Errors.INVALID_TXN_STATE : Errors.NONE);
            case ONGOING:
                break;
            default:
                return done(Errors.INVALID_TXN_STATE);
        }
        TransactionMetadata prepared = m.with(commit ? TransactionState.PREPARE_COMMIT : TransactionState.PREPARE_ABORT,
                m.partitions(), m.startTimestamp(), clock.getAsLong());
        error = write(prepared);
        if (error != Errors.NONE) {
            return done(error);
        }
        return complete(prepared).handle((v, e) -> Errors.NONE);
    }

    // ------------------------------------------------------------------ timers

    /** Aborts transactions open longer than their timeout, bumping the epoch so the producer is fenced (KIP-98). */
    public void abortTimedOut() {
        long now = clock.getAsLong();
        for (TransactionMetadata m : new ArrayList<>(txns.values())) {
            if (m.state() == TransactionState.ONGOING && !completing.contains(m.transactionalId())
                    && now - m.startTimestamp() > m.timeoutMs()) {
                LOG.infof("Aborting transaction of %s (producer %d): open for longer than %d ms", m.transactionalId(),
                        m.producerId(), m.timeoutMs());
                fenceAndAbort(m);
            }
        }
    }

    /**
     * Removes transactional ids idle for longer than expirationMs with no transaction under way
     * (transactional.id.expiration.ms). Their tombstones are written first, so compaction drops the ids and a reload
     * does not bring them back; an InitProducerId with such an id then starts afresh.
     */
    public void removeExpired(long expirationMs) {
        long now = clock.getAsLong();
        List<String> expired = new ArrayList<>();
        List<CoordinatorRecord> tombstones = new ArrayList<>();
        for (TransactionMetadata m : txns.values()) {
            if (m.state().isIdle() && !completing.contains(m.transactionalId())
                    && now - m.lastUpdateTimestamp() >= expirationMs) {
                expired.add(m.transactionalId());
                tombstones.add(CoordinatorRecord.tombstone(TransactionRecordSerde.key(m.transactionalId())));
            }
        }
        if (expired.isEmpty()) {
            return;
        }
        try {
            appender.append(tombstones);
        } catch (RuntimeException e) {
            LOG.warnf("Could not remove %d expired transactional ids; retrying later: %s", expired.size(), e.getMessage());
            return;
        }
        expired.forEach(txns::remove);
        LOG.infof("Removed %d expired transactional ids", expired.size());
    }

    /** Writes the markers of prepared transactions whose markers are not (all) written yet. */
    public void completePrepared() {
        for (TransactionMetadata m : new ArrayList<>(txns.values())) {
            if (m.state().isPreparing() && !completing.contains(m.transactionalId())) {
                complete(m);
            }
        }
    }

    // ------------------------------------------------------------------ admin

    public Optional<TransactionMetadata> describe(String id) {
        return Optional.ofNullable(txns.get(id));
    }

    public List<TransactionMetadata> all() {
        return List.copyOf(txns.values());
    }

    // ------------------------------------------------------------------ internals

    private Errors checkProducer(TransactionMetadata m, long producerId, short epoch) {
        if (m == null || m.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (epoch != m.producerEpoch()) {
            return Errors.PRODUCER_FENCED;
        }
        if (m.state().isPreparing() || completing.contains(m.transactionalId())) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        return Errors.NONE;
    }

    private Errors fenceAndAbort(TransactionMetadata m) {
        short bumped = (short) Math.min(MAX_EPOCH, m.producerEpoch() + 1);
        TransactionMetadata prepared = m.withEpoch(bumped).with(TransactionState.PREPARE_ABORT, m.partitions(),
                m.startTimestamp(), clock.getAsLong());
        Errors error = write(prepared);
        if (error == Errors.NONE) {
            complete(prepared);
        }
        return error;
    }

    /** Writes the markers of a prepared transaction, then its COMPLETE state. */
    private CompletableFuture<Void> complete(TransactionMetadata prepared) {
        String id = prepared.transactionalId();
        boolean commit = prepared.state() == TransactionState.PREPARE_COMMIT;
        completing.add(id);
        return markers.write(prepared.producerId(), prepared.producerEpoch(), 0, commit, prepared.partitions())
                .thenRunAsync(() -> {
                    if (!prepared.equals(txns.get(id))) {
                        return; // unloaded and reloaded meanwhile: the reloaded state decides
                    }
                    Errors error = write(prepared.with(commit ? TransactionState.COMPLETE_COMMIT
                            : TransactionState.COMPLETE_ABORT, Set.of(), -1, clock.getAsLong()));
                    if (error != Errors.NONE) {
                        throw error.exception();
                    }
                }, executor)
                .whenCompleteAsync((v, e) -> {
                    completing.remove(id);
                    if (e != null) {
                        LOG.warnf("Transaction of %s is prepared but not yet complete; retrying later: %s", id,
                                e.getMessage());
                    }
                }, executor);
    }

    private Errors write(TransactionMetadata next) {
        try {
            appender.append(List.of(new CoordinatorRecord(TransactionRecordSerde.key(next.transactionalId()),
                    TransactionRecordSerde.value(next))));
        } catch (RuntimeException e) {
            return Errors.forException(e);
        }
        txns.put(next.transactionalId(), next);
        return Errors.NONE;
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
