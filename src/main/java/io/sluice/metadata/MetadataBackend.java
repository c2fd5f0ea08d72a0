package io.sluice.metadata;

import io.sluice.metadata.proto.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.DoubleSupplier;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

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
     * Registers this node's broker when the backend carries registrations itself (ZooKeeper does: the
     * broker's ephemeral znode is its registration and its liveness). The future completes with the broker
     * epoch once the registration is in this node's image. Empty means: send a BrokerRegistration to the
     * active controller over the {@link ControllerChannel}, as a kraft broker does.
     */
    default Optional<CompletableFuture<Long>> announceBroker(int brokerId, List<BrokerEndpoint> endpoints,
                                                             String rack) {
        return Optional.empty();
    }

    /**
     * Sends a controller-bound request to the active controller on another node (see
     * {@link ControllerChannel}). The default suits a backend whose active controller is only reachable
     * in-process: this node is not it, so the caller hears NOT_CONTROLLER and retries elsewhere.
     */
    default CompletableFuture<ApiMessage> forwardToController(ApiKeys api, ApiMessage request) {
        return CompletableFuture.failedFuture(new NotControllerException(
                "This node is not the active controller and cannot forward " + api + " to it"));
    }

    /**
     * The metadata quorum as its leader sees it (DescribeQuorum); fails with NOT_CONTROLLER on a node
     * that does not lead it. The default is for a backend without a quorum of its own.
     */
    default CompletableFuture<DescribeQuorumResponseData> describeQuorum() {
        return CompletableFuture.failedFuture(new UnsupportedVersionException(
                "This cluster keeps its metadata in ZooKeeper: there is no metadata quorum to describe"));
    }

    /**
     * Adds a voter to a dynamic metadata quorum (KIP-853 AddRaftVoter), on the quorum's leader. Completes once
     * the new voter set is committed; fails with Kafka's errors (NOT_LEADER_OR_FOLLOWER, DUPLICATE_VOTER,
     * REQUEST_TIMED_OUT when the voter does not catch up or another change does not finish within
     * {@code timeoutMs}, UNSUPPORTED_VERSION for static voters).
     */
    default CompletableFuture<Void> addVoter(QuorumVoter voter, long timeoutMs) {
        return CompletableFuture.failedFuture(new UnsupportedVersionException(
                "This cluster keeps its metadata in ZooKeeper: there is no metadata quorum"));
    }

    /** Removes a voter (KIP-853 RemoveRaftVoter); as {@link #addVoter}, VOTER_NOT_FOUND for an unknown voter. */
    default CompletableFuture<Void> removeVoter(int voterId, String directoryId, long timeoutMs) {
        return CompletableFuture.failedFuture(new UnsupportedVersionException(
                "This cluster keeps its metadata in ZooKeeper: there is no metadata quorum"));
    }

    /** Replaces a voter's endpoints (KIP-853 UpdateRaftVoter); errors as {@link #removeVoter}. */
    default CompletableFuture<Void> updateVoter(QuorumVoter voter, long timeoutMs) {
        return CompletableFuture.failedFuture(new UnsupportedVersionException(
                "This cluster keeps its metadata in ZooKeeper: there is no metadata quorum"));
    }

    /** The voters of the metadata quorum as this node last saw them; empty without a quorum. */
    default List<QuorumVoter> quorumVoters() {
        return List.of();
    }

    /**
     * Lets Kafka clients (kafka-metadata-quorum --bootstrap-controller) reach this node on the port the backend
     * serves the quorum on: connections that do not speak the quorum's protocol go to {@code kafkaConnections}
     * with the bytes already read. False when the backend listens on no such port.
     */
    default boolean shareControllerListener(BiConsumer<NetSocket, Buffer> kafkaConnections) {
        return false;
    }

    /** The handler that answers requests other nodes forward here while this node is the active controller. */
    default void serveControllerRequests(ControllerRequestHandler handler) {
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

    /**
     * The backend's own state as numbers for the metrics endpoint, by metric name (the Raft node's
     * leader, epoch and offsets; the ZooKeeper session). Each supplier is cheap and safe from any thread.
     */
    default Map<String, DoubleSupplier> gauges() {
        return Map.of();
    }

    @Override
    void close();
}
