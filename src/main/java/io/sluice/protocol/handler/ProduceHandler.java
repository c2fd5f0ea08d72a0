package io.sluice.protocol.handler;

import io.sluice.log.LogAppendResult;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.jboss.logging.Logger;

/**
 * Produce: each partition's batches are validated and appended by its log; a failure in one
 * partition answers that partition only. acks=0 sends no answer at all; acks=all answers once the
 * high watermark passes each partition's batch (or the request timeout), without holding a thread.
 */
public final class ProduceHandler extends VersionedHandler<ProduceRequestData> {
    private static final Logger LOG = Logger.getLogger(ProduceHandler.class);
    private static final int TOPIC_IDS_SINCE = 13;
    private static final int LEADER_HINTS_SINCE = 10;

    private final ReplicaManager replicas;
    private final Supplier<MetadataImage> image;

    public ProduceHandler(ReplicaManager replicas, Supplier<MetadataImage> image) {
        super(ApiKeys.PRODUCE, 3, 13);
        this.replicas = replicas;
        this.image = image;
    }

    @Override
    public CompletableFuture<ProduceResponseData> handle(RequestContext context, ProduceRequestData request) {
        short acks = request.acks();
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<?>> replicating = new ArrayList<>();
        boolean byId = context.apiVersion() >= TOPIC_IDS_SINCE;
        LeaderHints hints = new LeaderHints(image.get(), context.listenerName());
        for (TopicProduceData topic : request.topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId());
            for (PartitionProduceData data : topic.partitionData()) {
                PartitionProduceResponse answer = new PartitionProduceResponse().setIndex(data.index())
                        .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                if (acks != 0 && acks != 1 && acks != -1) {
                    topicResponse.partitionResponses().add(answer.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code()));
                    continue;
                }
                Optional<Partition> partition = byId ? replicas.partition(topic.topicId(), data.index())
                        : replicas.partition(new org.apache.kafka.common.TopicPartition(topic.name(), data.index()));
                if (partition.isEmpty()) {
                    String name = byId ? null : topic.name();
                    Errors error = hints.exists(name, topic.topicId(), data.index()) ? Errors.NOT_LEADER_OR_FOLLOWER
                            : byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    topicResponse.partitionResponses().add(answer.setErrorCode(error.code()));
                    continue;
                }
                LogAppendResult appended = append(partition.get(), (MemoryRecords) data.records(), acks, answer);
                topicResponse.partitionResponses().add(answer);
                if (acks == -1 && appended != null) {
                    replicating.add(awaitReplication(partition.get(), appended.lastOffset(), answer, request.timeoutMs()));
                }
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(replicating.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            if (context.apiVersion() >= LEADER_HINTS_SINCE) {
                addLeaderHints(response, hints, byId);
            }
            return response;
        });
    }

    /** KIP-951: partitions that answer "not the leader" name the current one, with its endpoint. */
    private static void addLeaderHints(ProduceResponseData response, LeaderHints hints, boolean byId) {
        for (TopicProduceResponse topic : response.responses()) {
            for (PartitionProduceResponse p : topic.partitionResponses()) {
                if (LeaderHints.wantsHint(p.errorCode())) {
                    hints.leaderOf(byId ? null : topic.name(), topic.topicId(), p.index()).ifPresent(l -> p.setCurrentLeader(
                            new ProduceResponseData.LeaderIdAndEpoch().setLeaderId(l.id()).setLeaderEpoch(l.epoch())));
                }
            }
        }
        for (LeaderHints.Endpoint e : hints.endpoints()) {
            response.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(e.nodeId()).setHost(e.host())
                    .setPort(e.port()).setRack(e.rack()));
        }
    }

    /** acks=all: the partition's answer keeps its offsets but takes the replication outcome's error. */
    private CompletableFuture<Void> awaitReplication(Partition partition, long lastOffset, PartitionProduceResponse answer,
                                                     int timeoutMs) {
        return replicas.awaitReplication(partition, lastOffset, timeoutMs).thenAccept(error -> {
            if (error != Errors.NONE) {
                answer.setErrorCode(error.code()).setErrorMessage(error.message());
            }
        });
    }

    /** Appends and fills the answer; returns the append, or null when the partition refused it. */
    private LogAppendResult append(Partition partition, MemoryRecords records, short acks, PartitionProduceResponse answer) {
        try {
            LogAppendResult result = replicas.appendAsLeader(partition, records == null ? MemoryRecords.EMPTY : records, acks);
            answer.setBaseOffset(result.firstOffset())
                    .setLogAppendTimeMs(result.logAppendTime())
                    .setLogStartOffset(result.logStartOffset());
            return result;
        } catch (ApiException e) {
            LOG.debugf("Produce to %s rejected: %s", partition.topicPartition(), e.getMessage());
            answer.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            return null;
        }
    }
}
