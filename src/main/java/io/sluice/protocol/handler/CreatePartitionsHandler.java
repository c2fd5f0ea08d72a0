package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/** CreatePartitions: grows a topic; shrinking is INVALID_PARTITIONS. */
public final class CreatePartitionsHandler extends ControllerForwardingHandler<CreatePartitionsRequestData> {
    public CreatePartitionsHandler(ControllerChannel controller) {
        super(ApiKeys.CREATE_PARTITIONS, 0, 3, controller);
    }
}
