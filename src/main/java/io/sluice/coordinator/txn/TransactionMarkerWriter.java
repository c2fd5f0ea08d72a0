package io.sluice.coordinator.txn;

import io.sluice.metadata.MetadataImage;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Writes the COMMIT or ABORT marker of a transaction to each of its partitions, as their leader. A marker on a
 * partition of an internal topic with a coordinator of its own ({@code __consumer_offsets}) is reported to that
 * coordinator, so transactional offsets become visible (or are dropped) once the marker is in the log. A marker
 * counts as written once the partition's in-sync replicas have it.
 *
 * <p>Only partitions this broker leads are written: sending WriteTxnMarkers to other brokers is not implemented, so a
 * transaction over a partition led elsewhere stays prepared (its decision durable) and is retried by the coordinator's
 * periodic check until the partition is led here. A partition whose topic is gone needs no marker.
 */
public final class TransactionMarkerWriter {
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

    public TransactionMarkerWriter(ReplicaManager replicas, Supplier<MetadataImage> image, MarkerListener listener) {
        this.replicas = replicas;
        this.image = image;
        this.listener = listener;
    }

    /** Writes the markers now (local appends); the future completes when every listener has applied them. */
    CompletableFuture<Void> write(long producerId, short epoch, int coordinatorEpoch, boolean commit,
                                  Set<TopicPartition> partitions) {
        EndTransactionMarker marker = new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                coordinatorEpoch);
        List<CompletableFuture<Void>> applied = new ArrayList<>();
        try {
            for (TopicPartition tp : partitions) {
                if (image.get().topic(tp.topic()).isEmpty()) {
                    continue; // deleted since it joined the transaction: nothing to mark
                }
                Optional<Partition> partition = replicas.partition(tp).filter(p -> p.isLeader(replicas.nodeId()));
                if (partition.isEmpty()) {
                    throw new NotLeaderOrFollowerException("Cannot write the transaction marker of " + tp
                            + ": it is not led by this broker, and markers are not sent to other brokers");
                }
                long markerOffset = replicas.appendAsCoordinator(partition.get(),
                        MemoryRecords.withEndTransactionMarker(producerId, epoch, marker)).lastOffset();
                applied.add(replicas.awaitReplication(partition.get(), markerOffset, REPLICATION_TIMEOUT_MS)
                        .thenCompose(error -> error == Errors.NONE
                                ? listener.markerWritten(tp, producerId, commit)
                                : CompletableFuture.failedFuture(error.exception("The marker of " + tp
                                        + " is not replicated: " + error.message()))));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new));
    }
}
