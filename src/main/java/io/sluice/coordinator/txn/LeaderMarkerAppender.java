package io.sluice.coordinator.txn;

import io.sluice.metadata.MetadataImage;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Appends a transaction's COMMIT or ABORT marker to a partition this broker leads: for its own transaction
 * coordinator, and for the coordinators of other brokers through WriteTxnMarkers. A marker on a partition of an
 * internal topic with a coordinator of its own ({@code __consumer_offsets}) is reported to that coordinator, so
 * transactional offsets become visible (or are dropped) once the marker is in the log. A marker counts as written
 * once the partition's in-sync replicas have it.
 */
public final class LeaderMarkerAppender {
    /** How long a marker may wait for the in-sync replicas (acks=all, as Kafka writes markers); then it is retried. */
    private static final long REPLICATION_TIMEOUT_MS = 30_000;

    /** Told of a marker written to a partition, answering once the marker has taken effect there. */
    @FunctionalInterface
    public interface MarkerListener {
        CompletableFuture<Void> markerWritten(TopicPartition tp, long producerId, boolean committed);
    }

    private final ReplicaManager replicas;
    private final Supplier<MetadataImage> image;
    private final MarkerListener listener;

    public LeaderMarkerAppender(ReplicaManager replicas, Supplier<MetadataImage> image, MarkerListener listener) {
        this.replicas = replicas;
        this.image = image;
        this.listener = listener;
    }

    /**
     * Appends the marker; completes with NONE once it is replicated and applied, or with the partition's error:
     * UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, an append error, or the replication timeout's.
     */
    public CompletableFuture<Errors> append(TopicPartition tp, long producerId, short producerEpoch,
                                            int coordinatorEpoch, boolean commit) {
        boolean known = image.get().topic(tp.topic()).map(t -> t.partitions().containsKey(tp.partition())).orElse(false);
        if (!known) {
            return CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        Optional<Partition> partition = replicas.partition(tp).filter(p -> p.isLeader(replicas.nodeId()));
        if (partition.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        EndTransactionMarker marker = new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                coordinatorEpoch);
        long markerOffset;
        try {
            markerOffset = replicas.appendAsCoordinator(partition.get(),
                    MemoryRecords.withEndTransactionMarker(producerId, producerEpoch, marker)).lastOffset();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Errors.forException(e));
        }
        return replicas.awaitReplication(partition.get(), markerOffset, REPLICATION_TIMEOUT_MS)
                .thenCompose(error -> error != Errors.NONE
                        ? CompletableFuture.completedFuture(error)
                        : listener.markerWritten(tp, producerId, commit).handle((done, failure) ->
                                failure == null ? Errors.NONE : Errors.forException(unwrap(failure))));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
