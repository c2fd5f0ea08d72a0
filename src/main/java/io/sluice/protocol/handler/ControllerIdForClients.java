package io.sluice.protocol.handler;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;

/**
 * The controller id clients are told (Metadata, DescribeCluster). Clients send admin requests to
 * that node on the listener they used, so it must be a broker there: the active controller when it is
 * a live broker on that listener too (combined nodes, ZooKeeper mode), else this broker, which
 * forwards them (KIP-590).
 */
final class ControllerIdForClients {
    private ControllerIdForClients() {}

    static int of(MetadataImage image, int self, String listenerName) {
        BrokerImage active = image.brokers().get(image.controllerId());
        boolean reachable = active != null && !active.fenced() && active.endpoint(listenerName).isPresent();
        return reachable ? image.controllerId() : self;
    }
}
