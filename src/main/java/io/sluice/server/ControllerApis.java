package io.sluice.server;

import io.sluice.metadata.ControllerChannel;
import io.sluice.metadata.MetadataBackend;
import io.sluice.protocol.HandlerRegistry;
import io.sluice.protocol.handler.AddRaftVoterHandler;
import io.sluice.protocol.handler.ApiVersionsHandler;
import io.sluice.protocol.handler.ControllerDescribeClusterHandler;
import io.sluice.protocol.handler.DescribeQuorumHandler;
import io.sluice.protocol.handler.RemoveRaftVoterHandler;
import io.sluice.protocol.handler.UpdateRaftVoterHandler;

/**
 * The Kafka APIs a kraft controller answers on its controller listener, next to the quorum's own traffic:
 * what Kafka's admin client needs with {@code --bootstrap-controller} (kafka-metadata-quorum describe,
 * add-controller, remove-controller), and UpdateRaftVoter, which a controller sends to the leader.
 */
final class ControllerApis {
    private ControllerApis() {}

    static HandlerRegistry registry(MetadataBackend backend, ControllerChannel controller) {
        HandlerRegistry registry = new HandlerRegistry();
        return registry.register(new ApiVersionsHandler(registry))
                .register(new ControllerDescribeClusterHandler(backend))
                .register(new DescribeQuorumHandler(controller))
                .register(new AddRaftVoterHandler(controller))
                .register(new RemoveRaftVoterHandler(controller))
                .register(new UpdateRaftVoterHandler(controller));
    }
}
