package io.sluice.protocol.handler;

import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.replica.AppendWatchers;
import io.sluice.replica.FetchReader;
import io.sluice.replica.FetchReader.Outcome;
import io.sluice.replica.FetchReader.Reader;
import io.sluice.replica.FetchReader.Target;
import io.sluice.metadata.MetadataImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch, from consumers and from follower replicas (replica id >= 0): reads every requested
 * partition within the byte limits; when less than {@code fetch.min.bytes} is available it parks on
 * the partitions until an append, a high-watermark advance or {@code fetch.max.wait.ms}, without
 * holding a thread.
 */
public final class FetchHandler extends VersionedHandler<FetchRequestData> {
    private static final int CLIENT_RACK_SINCE = 11;
    private static final int TOPIC_IDS_SINCE = 13;
    /** A follower names itself by replica id, in ReplicaState with its broker epoch from v15 on (KIP-903). */
    private static final int REPLICA_STATE_SINCE = 15;
    private static final int LEADER_HINTS_SINCE = 16;

    private final FetchReader reader;
    private final AppendWatchers watchers;
    private final FetchSessions sessions;
    private final Executor requestHandlers;
    private final Supplier<MetadataImage> image;

    public FetchHandler(FetchReader reader, AppendWatchers watchers, FetchSessions sessions, Executor requestHandlers,
                        Supplier<MetadataImage> image) {
        super(ApiKeys.FETCH, 4, 18);
        this.reader = reader;
        this.image = image;
        this.watchers = watchers;
        this.sessions = sessions;
        this.requestHandlers = requestHandlers;
    }

    @Override
    public CompletableFuture<FetchResponseData> handle(RequestContext context, FetchRequestData request) {
        boolean byId = context.apiVersion() >= TOPIC_IDS_SINCE;
        FetchSessions.Resolved session;
        try {
            session = sessions.resolve(request, byId, this::targetsOf);
        } catch (FetchSessions.SessionException e) {
            return CompletableFuture.completedFuture(new FetchResponseData().setErrorCode(e.error().code())
                    .setSessionId(request.sessionId()));
        }
        boolean readCommitted = request.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        boolean replicaState = context.apiVersion() >= REPLICA_STATE_SINCE;
        // From v11 a consumer sends its client.rack (KIP-392): it may then read from a follower.
        String clientRack = context.apiVersion() >= CLIENT_RACK_SINCE ? request.rackId() : null;
        Reader reader = new Reader(replicaState ? request.replicaState().replicaId() : request.replicaId(),
                replicaState ? request.replicaState().replicaEpoch() : -1, readCommitted, clientRack);
        Query query = new Query(context, session, request.maxBytes(), request.minBytes(), reader, byId,
                System.currentTimeMillis() + Math.max(0, request.maxWaitMs()));
        return poll(query);
    }

    private List<Target> targetsOf(FetchRequestData request, boolean byId) {
        List<Target> targets = new ArrayList<>();
        for (FetchTopic topic : request.topics()) {
            for (FetchPartition p : topic.partitions()) {
                targets.add(new Target(byId ? null : new TopicPartition(topic.topic(), p.partition()), topic.topicId(),
                        p.partition(), p.fetchOffset(), p.partitionMaxBytes(), p.currentLeaderEpoch(),
                        p.lastFetchedEpoch()));
            }
        }
        return targets;
    }

    private record Query(RequestContext context, FetchSessions.Resolved session, int maxBytes, int minBytes, Reader reader,
                         boolean byId, long deadlineMs) {}

    private CompletableFuture<FetchResponseData> poll(Query query) {
        List<Target> targets = query.session().targets();
        AppendWatchers.Watch watch = watchers.watch(reader.watchablePartitions(targets));
        Outcome outcome = reader.read(targets, query.maxBytes(), query.reader());
        long remaining = query.deadlineMs() - System.currentTimeMillis();
        if (outcome.bytes() >= query.minBytes() || outcome.answerAtOnce() || remaining <= 0 || targets.isEmpty()) {
            watch.cancel();
            return CompletableFuture.completedFuture(respond(query, outcome));
        }
        return watch.await(remaining).thenComposeAsync(appended -> poll(query), requestHandlers);
    }

    private FetchResponseData respond(Query query, Outcome outcome) {
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code())
                .setSessionId(query.session().sessionId());
        query.session().fill(response, outcome, query.byId(), query.reader().readCommitted());
        if (query.context().apiVersion() >= LEADER_HINTS_SINCE) {
            addLeaderHints(response, new LeaderHints(image.get(), query.context().listenerName()), query.byId());
        }
        return response;
    }

    /** KIP-951: partitions that answer "not the leader" name the current one, with its endpoint. */
    private static void addLeaderHints(FetchResponseData response, LeaderHints hints, boolean byId) {
        for (FetchableTopicResponse topic : response.responses()) {
            for (PartitionData p : topic.partitions()) {
                if (LeaderHints.wantsHint(p.errorCode())) {
                    hints.leaderOf(byId ? null : topic.topic(), topic.topicId(), p.partitionIndex()).ifPresent(l ->
                            p.setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(l.id())
                                    .setLeaderEpoch(l.epoch())));
                }
            }
        }
        for (LeaderHints.Endpoint e : hints.endpoints()) {
            response.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(e.nodeId()).setHost(e.host())
                    .setPort(e.port()).setRack(e.rack()));
        }
    }
}
