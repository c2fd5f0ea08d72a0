package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/** CreateTopics: validated and written by the controller; validateOnly creates nothing. */
public final class CreateTopicsHandler extends ControllerForwardingHandler<CreateTopicsRequestData> {
    public CreateTopicsHandler(ControllerChannel controller) {
        super(ApiKeys.CREATE_TOPICS, 2, 7, controller);
    }
}
