package io.sluice.protocol.handler;

import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.replica.OffsetLookup;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;

/** ListOffsets: earliest, latest, max timestamp and by-timestamp lookups, each partition on its own. */
public final class ListOffsetsHandler extends VersionedHandler<ListOffsetsRequestData> {
    private static final int LEADER_EPOCH_SINCE = 4;

    private final OffsetLookup lookup;

    public ListOffsetsHandler(OffsetLookup lookup) {
        super(ApiKeys.LIST_OFFSETS, 1, 11);
        this.lookup = lookup;
    }

    @Override
    public CompletableFuture<ListOffsetsResponseData> handle(RequestContext context, ListOffsetsRequestData request) {
        boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        boolean withEpoch = context.apiVersion() >= LEADER_EPOCH_SINCE;
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsTopic topic : request.topics()) {
            ListOffsetsTopicResponse out = new ListOffsetsTopicResponse().setName(topic.name());
            for (ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse answer = lookup.lookup(new TopicPartition(topic.name(), p.partitionIndex()),
                        p.timestamp(), p.currentLeaderEpoch(), readCommitted);
                out.partitions().add(withEpoch ? answer : answer.setLeaderEpoch(-1));
            }
            response.topics().add(out);
        }
        return CompletableFuture.completedFuture(response);
    }
}
