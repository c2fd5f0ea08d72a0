package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/** AlterConfigs (legacy): replaces a resource's whole set of overrides. */
public final class AlterConfigsHandler extends ControllerForwardingHandler<AlterConfigsRequestData> {
    public AlterConfigsHandler(ControllerChannel controller) {
        super(ApiKeys.ALTER_CONFIGS, 0, 2, controller);
    }
}
