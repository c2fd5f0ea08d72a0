package io.sluice.controller;

import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The active controller: turns admin requests into metadata records and writes them through the
 * {@link MetadataBackend}.
 *
 * <p>Threading: every operation runs on one daemon thread, {@code sluice-controller}, and the
 * next operation starts only once the previous one's write has committed, so each decision is
 * made against an image that already holds every earlier decision (two concurrent creates of one
 * topic cannot both pass). Callers get a CompletableFuture at once and never block; the fsync
 * happens on the backend's thread, not this one.
 *
 * <p>Request-shaped operations answer per entry with Kafka's error codes; a failing metadata write
 * turns the entries that would have succeeded into errors naming the cause.
 */
public final class Controller implements AutoCloseable {
    /** How many producer ids one AllocateProducerIds reserves, as Kafka's controller does. */
    public static final int PRODUCER_ID_BLOCK_SIZE = 1000;

    private final MetadataBackend backend;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-controller");
        t.setDaemon(true);
        return t;
    });
    private final TopicCreator topicCreator;
    private final TopicDeleter topicDeleter;
    private final PartitionCreator partitionCreator;
    private final ConfigChanger configChanger;
    private final BrokerHeartbeats heartbeats;
    private final BrokerLiveness liveness;
    private final BrokerRegistrations registrations;
    private final IsrChanger isrChanger;
    private final LeaderElector leaderElector;
    private final PartitionReassigner reassigner;
    private final ReassignmentCompleter reassignmentCompleter;
    private final int leaderImbalancePerBrokerPercentage;
    /** The last queued operation; the next one starts after it. Guarded by {@code this}. */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    public Controller(ControllerSettings settings, MetadataBackend backend, TopicConfigValidator topicConfigValidator,
                      BrokerConfigValidator brokerConfigValidator) {
        this.backend = backend;
        ReplicaPlacer placer = new ReplicaPlacer(new Random());
        this.topicCreator = new TopicCreator(settings, topicConfigValidator, placer);
        this.topicDeleter = new TopicDeleter(settings.deleteTopicEnable());
        this.partitionCreator = new PartitionCreator(placer);
        this.configChanger = new ConfigChanger(settings.nodeId(), topicConfigValidator, brokerConfigValidator);
        this.heartbeats = new BrokerHeartbeats(settings.brokerSessionTimeoutMs());
        this.liveness = new BrokerLiveness(heartbeats, new UncleanLeaderElection(settings.uncleanLeaderElectionEnable()));
        this.registrations = new BrokerRegistrations(heartbeats);
        this.isrChanger = new IsrChanger(heartbeats);
        this.leaderElector = new LeaderElector(heartbeats);
        this.reassigner = new PartitionReassigner(heartbeats);
        this.reassignmentCompleter = new ReassignmentCompleter(heartbeats);
        this.leaderImbalancePerBrokerPercentage = settings.leaderImbalancePerBrokerPercentage();
    }

    public CompletableFuture<CreateTopicsResponseData> createTopics(CreateTopicsRequestData request) {
        return decide(image -> topicCreator.createTopics(image, request), request.validateOnly());
    }

    public CompletableFuture<DeleteTopicsResponseData> deleteTopics(DeleteTopicsRequestData request) {
        return decide(image -> topicDeleter.deleteTopics(image, request), false);
    }

    public CompletableFuture<CreatePartitionsResponseData> createPartitions(CreatePartitionsRequestData request) {
        return decide(image -> partitionCreator.createPartitions(image, request), request.validateOnly());
    }

    public CompletableFuture<IncrementalAlterConfigsResponseData> incrementalAlterConfigs(
            IncrementalAlterConfigsRequestData request) {
        return decide(image -> configChanger.incrementalAlterConfigs(image, request), request.validateOnly());
    }

    public CompletableFuture<AlterConfigsResponseData> alterConfigs(AlterConfigsRequestData request) {
        return decide(image -> configChanger.alterConfigs(image, request), request.validateOnly());
    }

    /**
     * A broker's heartbeat: renews its session, unfences it once it has caught up with its registration,
     * and in controlled shutdown moves its leadership away before answering shouldShutDown.
     */
    public CompletableFuture<BrokerHeartbeatResponseData> brokerHeartbeat(BrokerHeartbeatRequestData request) {
        return answeringNotController(decide(image -> liveness.heartbeat(image, request, nowMs()), false),
                () -> new BrokerHeartbeatResponseData().setIsFenced(true)
                        .setErrorCode(Errors.NOT_CONTROLLER.code()));
    }

    /** A partition leader's ISR change; answers each partition's state after the change. */
    public CompletableFuture<AlterPartitionResponseData> alterPartition(AlterPartitionRequestData request) {
        CompletableFuture<AlterPartitionResponseData> answer = decide(image -> isrChanger.alterPartition(image, request), false);
        // An ISR that grew may hold a reassignment's whole target now.
        answer.whenComplete((response, error) -> completeReassignments());
        return answeringNotController(answer,
                () -> new AlterPartitionResponseData().setErrorCode(Errors.NOT_CONTROLLER.code()));
    }

    /** Starts, replaces or cancels partition reassignments (KIP-455). */
    public CompletableFuture<AlterPartitionReassignmentsResponseData> alterPartitionReassignments(
            AlterPartitionReassignmentsRequestData request) {
        CompletableFuture<AlterPartitionReassignmentsResponseData> answer =
                decide(image -> reassigner.alter(image, request), false);
        // A reassignment that adds no replica (only removes or reorders) is complete at once.
        answer.whenComplete((response, error) -> completeReassignments());
        return answer;
    }

    /** Finishes the reassignments whose target replicas are all in sync; also run periodically. */
    public CompletableFuture<Void> completeReassignments() {
        return inBackground(reassignmentCompleter::completions);
    }

    /** Preferred or unclean leader elections (the ElectLeaders API). */
    public CompletableFuture<ElectLeadersResponseData> electLeaders(ElectLeadersRequestData request) {
        return decide(image -> leaderElector.electLeaders(image, request), false);
    }

    /**
     * Fences a broker whose session expired (one per call), or finishes moving leadership away from a
     * fenced broker; does nothing on a node that is not the active controller. Run periodically.
     */
    public CompletableFuture<Void> checkBrokerSessions() {
        return inBackground(image -> liveness.nextFencing(image, nowMs()));
    }

    /**
     * Where registrations are the liveness (zk mode): moves leadership away from a broker that is no
     * longer registered, or elects leaders for leaderless partitions (one batch per call); does nothing
     * on a node that is not the active controller. Run periodically.
     */
    public CompletableFuture<Void> checkBrokerRegistrations() {
        return inBackground(liveness::nextRegistrationChange);
    }

    /** The auto leader rebalance: preferred elections where a broker's leadership is too imbalanced. */
    public CompletableFuture<Void> rebalanceLeaders() {
        return inBackground(image -> leaderElector.rebalance(image, leaderImbalancePerBrokerPercentage));
    }

    /** AllocateProducerIds: reserves the next block of producer ids for the asking broker. */
    public CompletableFuture<AllocateProducerIdsResponseData> allocateProducerIds(AllocateProducerIdsRequestData request) {
        return allocateProducerIds(request.brokerId(), PRODUCER_ID_BLOCK_SIZE).thenApply(first ->
                new AllocateProducerIdsResponseData().setProducerIdStart(first).setProducerIdLen(PRODUCER_ID_BLOCK_SIZE));
    }

    /** Reserves {@code blockSize} producer ids for a broker; completes with the first, once durable. */
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int blockSize) {
        return serially(() -> {
            if (blockSize <= 0) {
                throw new InvalidRequestException("Producer id block size must be positive, was " + blockSize);
            }
            long first = backend.image().nextProducerId();
            if (first > Long.MAX_VALUE - blockSize) {
                throw new UnknownServerException("Exhausted all producer ids.");
            }
            return write(List.of(MetadataRecords.producerIds(brokerId, first + blockSize))).thenApply(offset -> first);
        });
    }

    /**
     * BrokerRegistration: registers (or re-registers) a broker, fenced until its heartbeats show it caught
     * up; answers its broker epoch, the offset of the registration record.
     */
    public CompletableFuture<BrokerRegistrationResponseData> registerBroker(BrokerRegistrationRequestData request) {
        CompletableFuture<BrokerRegistrationResponseData> answer = serially(() -> {
            BrokerRegistrations.Decision decision;
            try {
                decision = registrations.register(backend.image(), request, nowMs());
            } catch (ApiException refused) {
                return CompletableFuture.completedFuture(new BrokerRegistrationResponseData()
                        .setErrorCode(Errors.forException(refused).code()));
            }
            if (decision instanceof BrokerRegistrations.Decision.AlreadyRegistered done) {
                return CompletableFuture.completedFuture(new BrokerRegistrationResponseData().setBrokerEpoch(done.epoch()));
            }
            MetadataRecord record = ((BrokerRegistrations.Decision.Register) decision).record();
            return write(List.of(record)).thenApply(epoch -> new BrokerRegistrationResponseData().setBrokerEpoch(epoch));
        });
        return answeringNotController(answer,
                () -> new BrokerRegistrationResponseData().setErrorCode(Errors.NOT_CONTROLLER.code()));
    }

    /** Removes a broker from the cluster metadata (controlled shutdown, decommissioning). */
    public CompletableFuture<Void> unregisterBroker(int brokerId) {
        return serially(() -> {
            if (!backend.image().brokers().containsKey(brokerId)) {
                throw new BrokerIdNotRegisteredException("Broker " + brokerId + " is not registered.");
            }
            return write(List.of(MetadataRecords.unregisterBroker(brokerId))).thenApply(offset -> null);
        });
    }

    @Override
    public void close() {
        thread.shutdown();
    }

    /** A periodic decision: written when active and there is something to write, else nothing happens. */
    private CompletableFuture<Void> inBackground(Function<MetadataImage, List<MetadataRecord>> decision) {
        return queued(() -> {
            if (!backend.isActiveController()) {
                return CompletableFuture.completedFuture(null);
            }
            List<MetadataRecord> records = decision.apply(backend.image());
            return records.isEmpty() ? CompletableFuture.completedFuture(null)
                    : write(records).thenApply(offset -> null);
        });
    }

    /** Kafka answers these APIs' NOT_CONTROLLER in the response, which the sender reads and retries on. */
    private static <R> CompletableFuture<R> answeringNotController(CompletableFuture<R> answer, Supplier<R> notController) {
        return answer.exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return cause instanceof NotControllerException
                    ? CompletableFuture.completedFuture(notController.get()) : CompletableFuture.failedFuture(cause);
        });
    }

    private static long nowMs() {
        return java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    }

    /** Decides against the current image, then writes unless validating only or nothing changed. */
    private <R> CompletableFuture<R> decide(Function<MetadataImage, ControllerResult<R>> operation,
                                            boolean validateOnly) {
        return serially(() -> {
            ControllerResult<R> result = operation.apply(backend.image());
            if (validateOnly || result.records().isEmpty()) {
                return CompletableFuture.completedFuture(result.response());
            }
            return backend.write(result.records()).handleAsync((offset, error) -> {
                if (error != null) {
                    result.failSuccesses().accept(writeFailure(error));
                }
                return result.response();
            }, thread);
        });
    }

    private CompletableFuture<Long> write(List<MetadataRecord> records) {
        return backend.write(records).exceptionallyCompose(error -> {
            ApiError failure = writeFailure(error);
            return CompletableFuture.failedFuture(failure.exception());
        });
    }

    private static ApiError writeFailure(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ApiException api) {
            return ApiError.fromThrowable(api);
        }
        return new ApiError(Errors.UNKNOWN_SERVER_ERROR, "The metadata write failed: " + cause);
    }

    /** Runs the operation on the controller thread if this node is the active controller, else fails it. */
    private <T> CompletableFuture<T> serially(Supplier<CompletableFuture<T>> operation) {
        return queued(() -> {
            if (!backend.isActiveController()) {
                throw new NotControllerException("This node is not the active controller.");
            }
            return operation.get();
        });
    }

    /**
     * Queues the operation behind every earlier one. It runs on the controller thread once the
     * previous operation's future (including its write) completed, whatever its outcome.
     */
    private synchronized <T> CompletableFuture<T> queued(Supplier<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = tail.handle((ignored, error) -> null).thenComposeAsync(ignored -> {
            heartbeats.observeActive(backend.isActiveController());
            return operation.get();
        }, thread);
        tail = result;
        return result;
    }
}
