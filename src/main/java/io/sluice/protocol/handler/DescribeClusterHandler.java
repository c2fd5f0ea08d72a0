package io.sluice.protocol.handler;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** DescribeCluster: cluster id, active controller and the brokers as advertised on the request's listener. */
public final class DescribeClusterHandler extends VersionedHandler<DescribeClusterRequestData> {
    private static final byte BROKER_ENDPOINTS = 1;

    private final Supplier<MetadataImage> image;
    private final int nodeId;

    public DescribeClusterHandler(Supplier<MetadataImage> image, int nodeId) {
        super(ApiKeys.DESCRIBE_CLUSTER, 0, 2);
        this.image = image;
        this.nodeId = nodeId;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(RequestContext context, DescribeClusterRequestData request) {
        MetadataImage current = image.get();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId(current.clusterId())
                .setControllerId(ControllerIdForClients.of(current, nodeId, context.listenerName()))
                .setClusterAuthorizedOperations(Integer.MIN_VALUE);
        if (context.apiVersion() >= 1 && request.endpointType() != BROKER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Only broker endpoints are served on this listener"));
        }
        for (BrokerImage broker : current.brokers().values()) {
            if (broker.fenced() && !request.includeFencedBrokers()) {
                continue;
            }
            broker.endpoint(context.listenerName()).ifPresent(e -> response.brokers().add(new DescribeClusterBroker()
                    .setBrokerId(broker.id()).setHost(e.host()).setPort(e.port()).setRack(broker.rack())
                    .setIsFenced(broker.fenced())));
        }
        return CompletableFuture.completedFuture(response);
    }
}
