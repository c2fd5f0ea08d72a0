package io.sluice.protocol.handler;

import io.sluice.protocol.ApiHandler;
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
public final class ListPartitionReassignmentsHandler implements ApiHandler<ListPartitionReassignmentsRequestData> {
    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public short minVersion() {
        return 0;
    }

    @Override
    public short maxVersion() {
        return 0;
    }

    @Override
    public CompletableFuture<ListPartitionReassignmentsResponseData> handle(RequestContext context,
                                                                            ListPartitionReassignmentsRequestData request) {
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponseData());
    }
}
