package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * DescribeQuorum (kafka-metadata-quorum describe): answered by the leader of the metadata quorum, so it is
 * forwarded there like any controller request. Directory ids and voter endpoints exist from v2 on (KIP-853):
 * an older client gets the answer without them, as Kafka's controller gives it.
 */
public final class DescribeQuorumHandler extends VersionedHandler<DescribeQuorumRequestData> {
    private final ControllerChannel controller;

    public DescribeQuorumHandler(ControllerChannel controller) {
        super(ApiKeys.DESCRIBE_QUORUM, 0, 2);
        this.controller = controller;
    }

    @Override
    public CompletableFuture<DescribeQuorumResponseData> handle(RequestContext context, DescribeQuorumRequestData request) {
        return controller.send(apiKey(), request).thenApply(r -> {
            DescribeQuorumResponseData response = (DescribeQuorumResponseData) r;
            if (context.apiVersion() < 2) {
                response.nodes().clear();
                response.topics().forEach(t -> t.partitions().forEach(p -> {
                    p.currentVoters().forEach(v -> v.setReplicaDirectoryId(Uuid.ZERO_UUID));
                    p.observers().forEach(o -> o.setReplicaDirectoryId(Uuid.ZERO_UUID));
                }));
            }
            return response;
        });
    }
}
