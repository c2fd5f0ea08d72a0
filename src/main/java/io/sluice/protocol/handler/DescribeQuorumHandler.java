package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * DescribeQuorum (kafka-metadata-quorum describe): answered by the leader of the metadata quorum, so a
 * broker forwards it there like any controller request.
 */
public final class DescribeQuorumHandler extends ControllerForwardingHandler<DescribeQuorumRequestData> {
    public DescribeQuorumHandler(ControllerChannel controller) {
        super(ApiKeys.DESCRIBE_QUORUM, 0, 2, controller);
    }
}
