package io.sluice.coordinator.txn;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes the COMMIT or ABORT marker of a transaction to each of its partitions, through their leaders: appended
 * here for the partitions this broker leads, sent as WriteTxnMarkers to the leader of each of the others. A
 * partition whose topic is gone needs no marker. Any partition that fails fails the whole write; the coordinator
 * keeps the transaction prepared and retries it (a marker written twice is harmless: the second one finds no open
 * transaction of the producer).
 */
public final class TransactionMarkerWriter implements AutoCloseable {
    private final int nodeId;
    private final Supplier<MetadataImage> image;
    private final LeaderMarkerAppender local;
    private final RemoteMarkerSender remote;

    public TransactionMarkerWriter(int nodeId, Supplier<MetadataImage> image, LeaderMarkerAppender local,
                                   String interBrokerListener, int requestTimeoutMs) {
        this.nodeId = nodeId;
        this.image = image;
        this.local = local;
        this.remote = new RemoteMarkerSender(image, interBrokerListener, requestTimeoutMs);
    }

    /** Writes the markers; the future completes when every partition has its marker replicated and applied. */
    CompletableFuture<Void> write(long producerId, short epoch, int coordinatorEpoch, boolean commit,
                                  Set<TopicPartition> partitions) {
        MetadataImage current = image.get();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        Map<Integer, List<TopicPartition>> elsewhere = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Optional<PartitionImage> partition = current.topic(tp.topic())
                    .map(t -> t.partitions().get(tp.partition()));
            if (partition.isEmpty()) {
                continue; // deleted since it joined the transaction: nothing to mark
            }
            int leader = partition.get().leader();
            if (leader == nodeId) {
                written.add(local.append(tp, producerId, epoch, coordinatorEpoch, commit)
                        .thenAccept(error -> check(tp, error)));
            } else {
                elsewhere.computeIfAbsent(leader, l -> new ArrayList<>()).add(tp);
            }
        }
        elsewhere.forEach((leader, tps) -> written.add(leader < 0
                ? CompletableFuture.failedFuture(Errors.LEADER_NOT_AVAILABLE.exception(
                        "No leader for the transaction marker of " + tps))
                : remote.send(leader, producerId, epoch, coordinatorEpoch, commit, tps)
                        .thenAccept(errors -> errors.forEach(TransactionMarkerWriter::check))));
        return CompletableFuture.allOf(written.toArray(CompletableFuture[]::new));
    }

    private static void check(TopicPartition tp, Errors error) {
        if (error != Errors.NONE) {
            throw error.exception("The transaction marker of " + tp + " was not written: " + error.message());
        }
    }

    @Override
    public void close() {
        remote.close();
    }
}
