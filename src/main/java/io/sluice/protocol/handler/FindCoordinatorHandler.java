package io.sluice.protocol.handler;

import io.sluice.coordinator.InternalTopic;
import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator: the broker leading the group's {@code __consumer_offsets} partition, or the
 * transactional id's {@code __transaction_state} partition, as reachable on the listener the client
 * asked on. The first request creates the topic; until it has a leader the answer is
 * COORDINATOR_NOT_AVAILABLE and the client retries.
 */
public final class FindCoordinatorHandler extends VersionedHandler<FindCoordinatorRequestData> {
    private static final int BATCHED_SINCE = 4;

    private final GroupCoordinator groups;
    private final TransactionCoordinator transactions;

    public FindCoordinatorHandler(GroupCoordinator groups, TransactionCoordinator transactions) {
        super(ApiKeys.FIND_COORDINATOR, 0, 6);
        this.groups = groups;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<FindCoordinatorResponseData> handle(RequestContext context, FindCoordinatorRequestData request) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (context.apiVersion() >= BATCHED_SINCE) {
            for (String key : request.coordinatorKeys()) {
                response.coordinators().add(find(context, request.keyType(), key));
            }
        } else {
            Coordinator c = find(context, request.keyType(), request.key());
            response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId())
                    .setHost(c.host()).setPort(c.port());
        }
        return CompletableFuture.completedFuture(response);
    }

    private Coordinator find(RequestContext context, byte keyType, String key) {
        Coordinator c = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        boolean group = keyType == CoordinatorType.GROUP.id();
        if (!group && keyType != CoordinatorType.TRANSACTION.id()) {
            return error(c, Errors.INVALID_REQUEST, "Unsupported coordinator key type " + keyType);
        }
        if (key == null || key.isEmpty()) {
            return error(c, Errors.INVALID_REQUEST, (group ? "The group id" : "The transactional id") + " must not be empty");
        }
        InternalTopic topic = group ? groups.offsetsTopic() : transactions.stateTopic();
        String what = group ? "group" : "transaction";
        if (topic.current().isEmpty()) {
            topic.ensureCreated();
            return error(c, Errors.COORDINATOR_NOT_AVAILABLE, "The " + what + " coordinator is not available");
        }
        Optional<BrokerImage> leader = topic.leaderOf(group ? groups.partitionFor(key) : transactions.partitionFor(key));
        Optional<BrokerEndpoint> endpoint = leader.flatMap(b -> b.endpoint(context.listenerName()));
        if (endpoint.isEmpty()) {
            return error(c, Errors.COORDINATOR_NOT_AVAILABLE, "The " + what + " coordinator is not available");
        }
        return c.setNodeId(leader.get().id()).setHost(endpoint.get().host()).setPort(endpoint.get().port())
                .setErrorCode(Errors.NONE.code()).setErrorMessage(null);
    }

    private static Coordinator error(Coordinator c, Errors error, String message) {
        return c.setErrorCode(error.code()).setErrorMessage(message);
    }

}
