package io.sluice.replica;

import io.sluice.metadata.ControllerChannel;
import io.sluice.replica.Partition.IsrProposal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * Sends the leader's ISR changes to the active controller as AlterPartition requests, each against
 * the leader epoch and partition epoch it was decided on. The controller's record, once in the
 * image, is what changes the ISR here. No controller reachable (NOT_CONTROLLER, a timeout): the same
 * proposal is sent again after a pause while it is still current. Refused as stale
 * (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION) or otherwise: it is dropped, and the next check
 * decides again from the newer image.
 */
final class IsrChangeSender {
    private static final Logger LOG = Logger.getLogger(IsrChangeSender.class);
    /** Pause before resending to a controller that could not be reached (Kafka's retry.backoff.ms default). */
    private static final long RETRY_BACKOFF_MS = 100;

    private final int localId;
    private final LongSupplier brokerEpoch;
    private final ControllerChannel controller;
    private final ScheduledExecutorService timer;

    IsrChangeSender(int localId, LongSupplier brokerEpoch, ControllerChannel controller, ScheduledExecutorService timer) {
        this.localId = localId;
        this.brokerEpoch = brokerEpoch;
        this.controller = controller;
        this.timer = timer;
    }

    void send(IsrProposal proposal) {
        LOG.infof("Proposing ISR %s for %s (leader epoch %d, partition epoch %d)", proposal.isr(),
                proposal.partition().topicPartition(), proposal.leaderEpoch(), proposal.partitionEpoch());
        controller.send(ApiKeys.ALTER_PARTITION, request(proposal))
                .whenComplete((response, failure) -> answered(proposal, response, failure));
    }

    private AlterPartitionRequestData request(IsrProposal proposal) {
        Partition partition = proposal.partition();
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData()
                .setPartitionIndex(partition.topicPartition().partition())
                .setLeaderEpoch(proposal.leaderEpoch())
                .setPartitionEpoch(proposal.partitionEpoch());
        for (int replica : proposal.isr()) {
            long epoch = replica == localId ? brokerEpoch.getAsLong() : partition.followerBrokerEpoch(replica);
            data.newIsrWithEpochs().add(new AlterPartitionRequestData.BrokerState().setBrokerId(replica)
                    .setBrokerEpoch(epoch));
        }
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(localId)
                .setBrokerEpoch(brokerEpoch.getAsLong());
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(partition.topicId())
                .setPartitions(new ArrayList<>(List.of(data))));
        return request;
    }

    private void answered(IsrProposal proposal, ApiMessage response, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause != null) {
            if (cause instanceof NotControllerException || cause instanceof TimeoutException
                    || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                LOG.debugf("ISR change of %s not delivered (retrying): %s", proposal.partition().topicPartition(), cause);
                retryLater(proposal);
            } else {
                drop(proposal, Errors.forException(cause));
            }
            return;
        }
        AlterPartitionResponseData answer = (AlterPartitionResponseData) response;
        Errors topLevel = Errors.forCode(answer.errorCode());
        if (topLevel == Errors.NOT_CONTROLLER || topLevel == Errors.REQUEST_TIMED_OUT) {
            LOG.debugf("ISR change of %s not delivered (retrying): %s", proposal.partition().topicPartition(), topLevel);
            retryLater(proposal);
            return;
        }
        if (topLevel != Errors.NONE) {
            drop(proposal, topLevel);
            return;
        }
        Errors error = answer.topics().stream().flatMap(t -> t.partitions().stream()).findFirst()
                .map(p -> Errors.forCode(p.errorCode())).orElse(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        if (error != Errors.NONE) {
            // FENCED_LEADER_EPOCH / INVALID_UPDATE_VERSION: our view is stale; the newer image brings the truth.
            drop(proposal, error);
        }
        // NONE: the controller wrote the change; the image applies it (and clears the proposal) here.
    }

    private void retryLater(IsrProposal proposal) {
        timer.schedule(() -> {
            if (proposal.partition().isCurrent(proposal)) {
                send(proposal);
            }
        }, RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
    }

    private void drop(IsrProposal proposal, Errors error) {
        LOG.infof("ISR change %s of %s not applied: %s", proposal.isr(), proposal.partition().topicPartition(), error);
        proposal.partition().dropIsrProposal(proposal);
    }
}
