package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * ElectLeaders (KIP-183, KIP-460): preferred or unclean leader elections, decided and written by the
 * active controller; what {@code kafka-leader-election.sh} sends. Version 0 has no election type: preferred.
 */
public final class ElectLeadersHandler extends ControllerForwardingHandler<ElectLeadersRequestData> {
    public ElectLeadersHandler(ControllerChannel controller) {
        super(ApiKeys.ELECT_LEADERS, 0, 2, controller);
    }
}
