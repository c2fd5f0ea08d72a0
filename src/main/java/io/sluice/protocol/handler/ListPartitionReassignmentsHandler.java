package io.sluice.protocol.handler;

import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * ListPartitionReassignments, which {@code kafka-topics --describe} asks: no reassignment can be
 * in progress until AlterPartitionReassignments exists (the replication issue), so the true answer
 * is an empty list.
 */
public final class ListPartitionReassignmentsHandler extends VersionedHandler<ListPartitionReassignmentsRequestData> {
    public ListPartitionReassignmentsHandler() {
        super(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0);
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> handle(RequestContext context,
                                                                            ListPartitionReassignmentsRequestData request) {
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponseData());
    }
}
