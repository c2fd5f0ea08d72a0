package io.sluice.controller;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterPartition (KIP-497): a partition leader asks to shrink or expand its ISR. The request is
 * checked against the partition as the controller knows it (leader, leader epoch, partition epoch)
 * and against the brokers it names; an accepted change becomes a partition change record, and the
 * answer carries the partition's state once that record is applied.
 */
final class IsrChanger {
    private final BrokerHeartbeats heartbeats;

    IsrChanger(BrokerHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    ControllerResult<AlterPartitionResponseData> alterPartition(MetadataImage image,
                                                                AlterPartitionRequestData request) {
        AlterPartitionResponseData response = new AlterPartitionResponseData();
        BrokerImage sender = image.brokers().get(request.brokerId());
        if (sender == null || (request.brokerEpoch() != -1 && sender.epoch() != request.brokerEpoch())) {
            return ControllerResult.of(response.setErrorCode(Errors.STALE_BROKER_EPOCH.code()));
        }
        List<MetadataRecord> records = new ArrayList<>();
        List<AlterPartitionResponseData.PartitionData> accepted = new ArrayList<>();
        for (AlterPartitionRequestData.TopicData topicData : request.topics()) {
            AlterPartitionResponseData.TopicData topicResult =
                    new AlterPartitionResponseData.TopicData().setTopicId(topicData.topicId());
            response.topics().add(topicResult);
            TopicImage topic = image.topic(topicData.topicId()).orElse(null);
            for (AlterPartitionRequestData.PartitionData partitionData : topicData.partitions()) {
                AlterPartitionResponseData.PartitionData result = new AlterPartitionResponseData.PartitionData()
                        .setPartitionIndex(partitionData.partitionIndex());
                topicResult.partitions().add(result);
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                    continue;
                }
                PartitionImage partition = topic.partitions().get(partitionData.partitionIndex());
                if (partition == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                List<Integer> newIsr = newIsr(partitionData);
                Errors error = validate(image, request.brokerId(), partition, partitionData, newIsr);
                if (error != Errors.NONE) {
                    result.setErrorCode(error.code());
                    continue;
                }
                boolean changes = !newIsr.equals(partition.isr());
                if (changes) {
                    records.add(MetadataRecords.partitionChange(topic.id(), partition.partition(), null, newIsr));
                }
                // The record bumps the partition epoch and nothing else: the leader stays.
                result.setLeaderId(partition.leader()).setLeaderEpoch(partition.leaderEpoch()).setIsr(newIsr)
                        .setLeaderRecoveryState(partitionData.leaderRecoveryState())
                        .setPartitionEpoch(partition.partitionEpoch() + (changes ? 1 : 0));
                accepted.add(result);
            }
        }
        return new ControllerResult<>(response, records, error -> accepted.forEach(r -> r.setErrorCode(
                error.error().code())));
    }

    /** Version 3 names ISR members with their broker epochs; older versions by id only. */
    private static List<Integer> newIsr(AlterPartitionRequestData.PartitionData data) {
        if (!data.newIsrWithEpochs().isEmpty()) {
            return data.newIsrWithEpochs().stream().map(AlterPartitionRequestData.BrokerState::brokerId).toList();
        }
        return List.copyOf(data.newIsr());
    }

    private Errors validate(MetadataImage image, int senderId, PartitionImage partition,
                            AlterPartitionRequestData.PartitionData data, List<Integer> newIsr) {
        if (data.leaderEpoch() > partition.leaderEpoch()) {
            // The leader knows a newer epoch than this controller: this controller is behind.
            return Errors.NOT_CONTROLLER;
        }
        if (data.leaderEpoch() < partition.leaderEpoch()) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        if (partition.leader() != senderId) {
            return Errors.INVALID_REQUEST;
        }
        if (data.partitionEpoch() != partition.partitionEpoch()) {
            return Errors.INVALID_UPDATE_VERSION;
        }
        if (newIsr.isEmpty() || new HashSet<>(newIsr).size() != newIsr.size()
                || !partition.replicas().containsAll(newIsr) || !newIsr.contains(senderId)) {
            return Errors.INVALID_REQUEST;
        }
        Map<Integer, Long> epochs = new java.util.HashMap<>();
        data.newIsrWithEpochs().forEach(b -> epochs.put(b.brokerId(), b.brokerEpoch()));
        for (int id : newIsr) {
            BrokerImage broker = image.brokers().get(id);
            long claimedEpoch = epochs.getOrDefault(id, -1L);
            boolean joining = !partition.isr().contains(id);
            if (broker == null || broker.fenced() || (joining && heartbeats.isShuttingDown(id))
                    || (claimedEpoch != -1 && claimedEpoch != broker.epoch())) {
                return Errors.INELIGIBLE_REPLICA;
            }
        }
        return Errors.NONE;
    }
}
