package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.UpdateRaftVoterRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * UpdateRaftVoter (KIP-853): a voter tells the quorum's leader where it listens now. A controller-listener
 * API only, decided by the leader, so forwarded there like any controller request.
 */
public final class UpdateRaftVoterHandler extends ControllerForwardingHandler<UpdateRaftVoterRequestData> {
    public UpdateRaftVoterHandler(ControllerChannel controller) {
        super(ApiKeys.UPDATE_RAFT_VOTER, 0, 0, controller);
    }
}
