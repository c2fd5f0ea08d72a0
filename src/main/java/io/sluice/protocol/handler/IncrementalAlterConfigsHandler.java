package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/** IncrementalAlterConfigs for topics and brokers (SET, DELETE, APPEND, SUBTRACT). */
public final class IncrementalAlterConfigsHandler extends ControllerForwardingHandler<IncrementalAlterConfigsRequestData> {
    public IncrementalAlterConfigsHandler(ControllerChannel controller) {
        super(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, controller);
    }
}
