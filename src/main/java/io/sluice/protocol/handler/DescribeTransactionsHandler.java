package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.coordinator.txn.TransactionMetadata;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TransactionState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** DescribeTransactions (KIP-664): each transactional id's state as its coordinator holds it. */
public final class DescribeTransactionsHandler extends VersionedHandler<DescribeTransactionsRequestData> {
    private final TransactionCoordinator transactions;

    public DescribeTransactionsHandler(TransactionCoordinator transactions) {
        super(ApiKeys.DESCRIBE_TRANSACTIONS, 0, 0);
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<DescribeTransactionsResponseData> handle(RequestContext context,
                                                                      DescribeTransactionsRequestData request) {
        List<CompletableFuture<TransactionState>> answers = new ArrayList<>();
        for (String id : request.transactionalIds()) {
            answers.add(transactions.forTransactionalId(id, shard -> CompletableFuture.completedFuture(shard.describe(id)))
                    .thenApply(found -> describe(id, found))
                    .exceptionally(e -> failed(id, GroupErrors.of(e))));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData();
            answers.forEach(a -> response.transactionStates().add(a.join()));
            return response;
        });
    }

    private static TransactionState describe(String id, Optional<TransactionMetadata> found) {
        if (found.isEmpty()) {
            return failed(id, Errors.TRANSACTIONAL_ID_NOT_FOUND);
        }
        TransactionMetadata m = found.get();
        TransactionState out = new TransactionState().setTransactionalId(id).setTransactionState(m.state().wireName)
                .setTransactionTimeoutMs(m.timeoutMs()).setTransactionStartTimeMs(m.startTimestamp())
                .setProducerId(m.producerId()).setProducerEpoch(m.producerEpoch());
        for (TopicPartition tp : m.partitions()) {
            TopicData topic = out.topics().find(tp.topic());
            if (topic == null) {
                topic = new TopicData().setTopic(tp.topic());
                out.topics().add(topic);
            }
            topic.partitions().add(tp.partition());
        }
        return out;
    }

    private static TransactionState failed(String id, Errors error) {
        return new TransactionState().setTransactionalId(id).setErrorCode(error.code()).setTransactionState("")
                .setTransactionStartTimeMs(-1).setProducerId(-1).setProducerEpoch((short) -1);
    }
}
