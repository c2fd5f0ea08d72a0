package io.sluice.protocol.handler;

import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.coordinator.txn.TransactionMetadata;
import io.sluice.coordinator.txn.TransactionState;
import io.sluice.protocol.RequestContext;
import io.sluice.protocol.VersionedHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListTransactions (KIP-664) over the coordinator partitions this broker leads, filtered by state, producer id,
 * v1's minimum running time (KIP-994) and v2's transactional id pattern. Unknown state names come back in
 * unknownStateFilters; while a partition loads the answer is COORDINATOR_LOAD_IN_PROGRESS.
 */
public final class ListTransactionsHandler extends VersionedHandler<ListTransactionsRequestData> {
    private final TransactionCoordinator transactions;

    public ListTransactionsHandler(TransactionCoordinator transactions) {
        super(ApiKeys.LIST_TRANSACTIONS, 0, 2);
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ListTransactionsResponseData> handle(RequestContext context, ListTransactionsRequestData request) {
        ListTransactionsResponseData response = new ListTransactionsResponseData();
        Set<String> knownStates = new HashSet<>();
        Arrays.stream(TransactionState.values()).forEach(s -> knownStates.add(s.wireName));
        request.stateFilters().stream().filter(s -> !knownStates.contains(s)).forEach(response.unknownStateFilters()::add);
        Predicate<String> idMatches;
        try {
            String pattern = request.transactionalIdPattern();
            idMatches = pattern == null || pattern.isEmpty() ? id -> true : Pattern.compile(pattern).asMatchPredicate();
        } catch (PatternSyntaxException e) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        if (transactions.anyLoading()) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
        }
        long now = System.currentTimeMillis();
        Predicate<TransactionMetadata> selected = m -> (request.stateFilters().isEmpty()
                || request.stateFilters().contains(m.state().wireName))
                && (request.producerIdFilters().isEmpty() || request.producerIdFilters().contains(m.producerId()))
                && (request.durationFilter() < 0 || (m.startTimestamp() >= 0 && now - m.startTimestamp() > request.durationFilter()))
                && idMatches.test(m.transactionalId());
        return transactions.forAllLoaded(shard -> shard.all()).thenApply(all -> {
            List<ListTransactionsResponseData.TransactionState> out = new ArrayList<>();
            all.forEach(list -> list.stream().filter(selected).forEach(m -> out.add(
                    new ListTransactionsResponseData.TransactionState().setTransactionalId(m.transactionalId())
                            .setProducerId(m.producerId()).setTransactionState(m.state().wireName))));
            return response.setTransactionStates(out);
        });
    }
}
