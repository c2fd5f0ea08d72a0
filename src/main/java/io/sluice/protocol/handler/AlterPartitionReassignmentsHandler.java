package io.sluice.protocol.handler;

import io.sluice.metadata.ControllerChannel;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * AlterPartitionReassignments (KIP-455): starts or cancels partition reassignments, decided and written
 * by the active controller; what {@code kafka-reassign-partitions --execute/--cancel} sends. Version 1
 * adds allowReplicationFactorChange (KIP-860).
 */
public final class AlterPartitionReassignmentsHandler
        extends ControllerForwardingHandler<AlterPartitionReassignmentsRequestData> {
    public AlterPartitionReassignmentsHandler(ControllerChannel controller) {
        super(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1, controller);
    }
}
