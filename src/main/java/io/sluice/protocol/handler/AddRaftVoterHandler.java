package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.AddRaftVoterRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * AddRaftVoter (KIP-853, kafka-metadata-quorum add-controller), on the controller listener or a broker's:
 * decided by the active controller, the quorum's leader, so forwarded there like any controller request.
 */
public final class AddRaftVoterHandler extends ControllerForwardingHandler<AddRaftVoterRequestData> {
    public AddRaftVoterHandler(ControllerChannel controller) {
        super(ApiKeys.ADD_RAFT_VOTER, 0, 1, controller);
    }
}
