package io.sluice.controller;

import io.sluice.metadata.ControllerRequestHandler;
import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.RaftVoterRequests;
import org.apache.kafka.common.message.AddRaftVoterRequestData;
import org.apache.kafka.common.message.RemoveRaftVoterRequestData;
import org.apache.kafka.common.message.UpdateRaftVoterRequestData;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** Answers controller-bound requests on the active controller: each API goes to the one method that decides it. */
public final class ControllerRequestRouter implements ControllerRequestHandler {
    private final Controller controller;
    private final MetadataBackend backend;

    public ControllerRequestRouter(Controller controller, MetadataBackend backend) {
        this.controller = controller;
        this.backend = backend;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(ApiKeys api, ApiMessage request) {
        CompletableFuture<? extends ApiMessage> answer = switch (api) {
            case CREATE_TOPICS -> controller.createTopics((CreateTopicsRequestData) request);
            case DELETE_TOPICS -> controller.deleteTopics((DeleteTopicsRequestData) request);
            case CREATE_PARTITIONS -> controller.createPartitions((CreatePartitionsRequestData) request);
            case INCREMENTAL_ALTER_CONFIGS ->
                    controller.incrementalAlterConfigs((IncrementalAlterConfigsRequestData) request);
            case ALTER_CONFIGS -> controller.alterConfigs((AlterConfigsRequestData) request);
            case ALLOCATE_PRODUCER_IDS -> controller.allocateProducerIds((AllocateProducerIdsRequestData) request);
            case DESCRIBE_QUORUM -> backend.describeQuorum();
            case ADD_RAFT_VOTER -> RaftVoterRequests.add(backend, (AddRaftVoterRequestData) request);
            case REMOVE_RAFT_VOTER -> RaftVoterRequests.remove(backend, (RemoveRaftVoterRequestData) request);
            case UPDATE_RAFT_VOTER -> RaftVoterRequests.update(backend, (UpdateRaftVoterRequestData) request);
            case BROKER_REGISTRATION -> controller.registerBroker((BrokerRegistrationRequestData) request);
            case BROKER_HEARTBEAT -> controller.brokerHeartbeat((BrokerHeartbeatRequestData) request);
            case ALTER_PARTITION -> controller.alterPartition((AlterPartitionRequestData) request);
            case ALTER_PARTITION_REASSIGNMENTS ->
                    controller.alterPartitionReassignments((AlterPartitionReassignmentsRequestData) request);
            case ELECT_LEADERS -> controller.electLeaders((ElectLeadersRequestData) request);
            default -> CompletableFuture.failedFuture(new InvalidRequestException(api + " is not a controller API"));
        };
        return answer.thenApply(response -> response);
    }
}
