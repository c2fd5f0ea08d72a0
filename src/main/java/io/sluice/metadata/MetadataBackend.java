package io.sluice.metadata;

import io.sluice.metadata.proto.MetadataRecord;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where cluster metadata lives: the seam the Raft and ZooKeeper backends both implement. Callers
 * see records go in and {@link MetadataImage}s come out; nothing else about the backend leaks.
 */
public interface MetadataBackend extends AutoCloseable {
    /** Replays the durable state and publishes the resulting image to the listeners. */
    void start();

    /** The latest published image; safe to call from any thread. */
    MetadataImage image();

    /**
     * Registers a listener for every later image change, in order. A listener added after start
     * is first told {@code (empty, current)} so it never has to ask for the state it missed.
     */
    void addListener(MetadataListener listener);

    /**
     * Appends the records as one atomic batch, makes them durable, applies them to the image and
     * publishes it to every listener, and only then completes with the offset of the last record.
     * A batch that does not replay onto the current image fails and is not written.
     */
    CompletableFuture<Long> write(List<MetadataRecord> records);

    /** Whether this node may write now (it is the active controller). */
    boolean isActiveController();

    /**
     * Registers this node's broker with the active controller wherever that runs, when the backend
     * carries registrations itself (the Raft quorum does: brokers announce themselves to the leader).
     * The future completes with the broker epoch once the registration is in this node's image. Empty
     * means: register through the local {@code Controller}, as a backend whose active controller is
     * reachable from every node's writes does.
     */
    default Optional<CompletableFuture<Long>> announceBroker(int brokerId, List<BrokerEndpoint> endpoints,
                                                             String rack) {
        return Optional.empty();
    }

    /**
     * Reserves {@code blockSize} producer ids for a broker, when the backend lets any broker do that
     * itself (in zk mode every broker takes blocks from {@code /latest_producer_id_block}, as Kafka's
     * do). The future completes with the first id once the block is durable. Empty means: ask the
     * {@code Controller}, which reserves blocks through the metadata log.
     */
    default Optional<CompletableFuture<Long>> allocateProducerIds(int brokerId, int blockSize) {
        return Optional.empty();
    }

    @Override
    void close();
}
