package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.RemoveRaftVoterRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * RemoveRaftVoter (KIP-853, kafka-metadata-quorum remove-controller), on the controller listener or a
 * broker's: decided by the quorum's leader, so forwarded there. The leader may remove itself; it resigns
 * once that change commits.
 */
public final class RemoveRaftVoterHandler extends ControllerForwardingHandler<RemoveRaftVoterRequestData> {
    public RemoveRaftVoterHandler(ControllerChannel controller) {
        super(ApiKeys.REMOVE_RAFT_VOTER, 0, 0, controller);
    }
}
