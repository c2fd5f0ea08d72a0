package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/** DeleteTopics, by name or (v6+) by topic id. */
public final class DeleteTopicsHandler extends ControllerForwardingHandler<DeleteTopicsRequestData> {
    public DeleteTopicsHandler(ControllerChannel controller) {
        super(ApiKeys.DELETE_TOPICS, 1, 6, controller);
    }
}
