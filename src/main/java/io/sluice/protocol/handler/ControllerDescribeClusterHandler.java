package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataBackend;
import io.sluice.metadata.QuorumVoter;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster on the controller listener (KIP-919): what an admin client bootstrapped with
 * {@code bootstrap.controllers} learns the controllers from. It names the quorum's voters as they listen on
 * this listener, and the leader as the controller, where the client then sends quorum requests.
 */
public final class ControllerDescribeClusterHandler extends VersionedHandler<DescribeClusterRequestData> {
    private static final byte CONTROLLER_ENDPOINTS = 2;

    private final MetadataBackend backend;

    public ControllerDescribeClusterHandler(MetadataBackend backend) {
        super(ApiKeys.DESCRIBE_CLUSTER, 1, 2);
        this.backend = backend;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(RequestContext context, DescribeClusterRequestData request) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(backend.image().clusterId()).setEndpointType(CONTROLLER_ENDPOINTS)
                .setControllerId(backend.image().controllerId()).setClusterAuthorizedOperations(Integer.MIN_VALUE);
        if (request.endpointType() != CONTROLLER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The controller listener only describes controller endpoints"));
        }
        for (QuorumVoter voter : backend.quorumVoters()) {
            // A static quorum's voters name no listener: they listen on this one, the controller listener.
            voter.endpoints().stream()
                    .filter(e -> e.listenerName().isEmpty() || e.listenerName().equals(context.listenerName()))
                    .findFirst()
                    .ifPresent(e -> response.brokers().add(new DescribeClusterBroker().setBrokerId(voter.id())
                            .setHost(e.host()).setPort(e.port())));
        }
        return CompletableFuture.completedFuture(response);
    }
}
