package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.LeaderMarkerAppender;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerResult;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * WriteTxnMarkers v1-v2: another broker's transaction coordinator has this broker, their leader, append a
 * transaction's markers to its partitions. Each partition answers once its marker is replicated and applied.
 * (v2 adds KIP-890's transaction version, which markers here do not depend on.)
 */
public final class WriteTxnMarkersHandler extends VersionedHandler<WriteTxnMarkersRequestData> {
    private final LeaderMarkerAppender markers;

    public WriteTxnMarkersHandler(LeaderMarkerAppender markers) {
        super(ApiKeys.WRITE_TXN_MARKERS, 1, 2);
        this.markers = markers;
    }

    @Override
    public CompletableFuture<WriteTxnMarkersResponseData> handle(RequestContext context,
                                                                 WriteTxnMarkersRequestData request) {
        WriteTxnMarkersResponseData response = new WriteTxnMarkersResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (WritableTxnMarker marker : request.markers()) {
            WritableTxnMarkerResult result = new WritableTxnMarkerResult().setProducerId(marker.producerId());
            response.markers().add(result);
            for (WritableTxnMarkerTopic topic : marker.topics()) {
                WritableTxnMarkerTopicResult topicResult = new WritableTxnMarkerTopicResult().setName(topic.name());
                result.topics().add(topicResult);
                for (int index : topic.partitionIndexes()) {
                    WritableTxnMarkerPartitionResult partition = new WritableTxnMarkerPartitionResult()
                            .setPartitionIndex(index);
                    topicResult.partitions().add(partition);
                    pending.add(markers.append(new TopicPartition(topic.name(), index), marker.producerId(),
                                    marker.producerEpoch(), marker.coordinatorEpoch(), marker.transactionResult())
                            .thenAccept(error -> partition.setErrorCode(error.code())));
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(done -> response);
    }
}
