package io.sluice.protocol.handler;

import io.sluice.replica.FetchReader.Outcome;
import io.sluice.replica.FetchReader.PartitionResult;
import io.sluice.replica.FetchReader.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.ForgottenTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Incremental fetch sessions (KIP-227). A consumer that opens a session (session id 0, epoch 0)
 * later sends only the partitions whose position changed; the broker remembers the rest and
 * answers only partitions with news (records, a moved watermark or an error). Sessions beyond the
 * cache size, or idle too long, are evicted; a client then gets FETCH_SESSION_ID_NOT_FOUND and
 * starts over with a full fetch, as the protocol intends.
 */
public final class FetchSessions {
    private static final int FINAL_EPOCH = -1;

    private final int maxSessions;
    private final long idleEvictMs;
    private final Map<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public FetchSessions(int maxSessions, long idleEvictMs) {
        this.maxSessions = maxSessions;
        this.idleEvictMs = idleEvictMs;
    }

    /** The fetch error a session problem answers with. */
    public static final class SessionException extends Exception {
        private final Errors error;

        SessionException(Errors error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        public Errors error() {
            return error;
        }
    }

    /** A request resolved against its session: what to read, and how to shape the answer. */
    public interface Resolved {
        int sessionId();

        List<Target> targets();

        void fill(FetchResponseData response, Outcome outcome, boolean byId, boolean readCommitted);
    }

    private record Key(String topic, Uuid topicId, int partition) {
        static Key of(Target t) {
            return new Key(t.tp() == null ? null : t.tp().topic(), t.tp() == null ? t.topicId() : null, t.partition());
        }
    }

    /** What was last told to the client about one partition, to decide whether it has news. */
    private record Sent(long highWatermark, long lastStableOffset, long logStartOffset) {}

    private static final class Session {
        final int id;
        int expectedEpoch = 1;
        long lastUsedMs;
        final Map<Key, Target> targets = new LinkedHashMap<>();
        final Map<Key, Sent> sent = new HashMap<>();

        Session(int id) {
            this.id = id;
        }
    }

    public synchronized Resolved resolve(FetchRequestData request, boolean byId,
                                         BiFunction<FetchRequestData, Boolean, List<Target>> targetsOf)
            throws SessionException {
        long now = System.currentTimeMillis();
        evictIdle(now);
        List<Target> requested = targetsOf.apply(request, byId);
        int id = request.sessionId();
        int epoch = request.sessionEpoch();
        if (epoch == FINAL_EPOCH) {
            if (id != 0) {
                sessions.remove(id);
            }
            return full(0, requested, null);
        }
        if (epoch == 0) {
            if (id != 0) {
                sessions.remove(id);
            }
            Session session = newSession(now);
            if (session == null) {
                return full(0, requested, null);
            }
            requested.forEach(t -> session.targets.put(Key.of(t), t));
            return full(session.id, requested, session);
        }
        Session session = sessions.get(id);
        if (session == null) {
            throw new SessionException(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        if (session.expectedEpoch != epoch) {
            throw new SessionException(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
        session.expectedEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        session.lastUsedMs = now;
        for (ForgottenTopic forgotten : request.forgottenTopicsData()) {
            for (int p : forgotten.partitions()) {
                Key key = byId ? new Key(null, forgotten.topicId(), p) : new Key(forgotten.topic(), null, p);
                session.targets.remove(key);
                session.sent.remove(key);
            }
        }
        requested.forEach(t -> session.targets.put(Key.of(t), t));
        return new IncrementalFetch(session, new ArrayList<>(session.targets.values()), requested);
    }

    private Session newSession(long now) {
        if (maxSessions <= 0) {
            return null;
        }
        if (sessions.size() >= maxSessions) {
            Integer eldest = sessions.keySet().iterator().next();
            sessions.remove(eldest);
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        Session session = new Session(id);
        session.lastUsedMs = now;
        sessions.put(id, session);
        return session;
    }

    private void evictIdle(long now) {
        sessions.values().removeIf(s -> now - s.lastUsedMs > idleEvictMs);
    }

    private Resolved full(int sessionId, List<Target> targets, Session session) {
        return new Resolved() {
            @Override
            public int sessionId() {
                return sessionId;
            }

            @Override
            public List<Target> targets() {
                return targets;
            }

            @Override
            public void fill(FetchResponseData response, Outcome outcome, boolean byId, boolean readCommitted) {
                for (PartitionResult r : outcome.partitions()) {
                    add(response, r, byId, readCommitted);
                    if (session != null) {
                        synchronized (FetchSessions.this) {
                            session.sent.put(Key.of(r.target()), sentOf(r));
                        }
                    }
                }
            }
        };
    }

    private final class IncrementalFetch implements Resolved {
        private final Session session;
        private final List<Target> targets;
        private final List<Target> requested;

        IncrementalFetch(Session session, List<Target> targets, List<Target> requested) {
            this.session = session;
            this.targets = targets;
            this.requested = requested;
        }

        @Override
        public int sessionId() {
            return session.id;
        }

        @Override
        public List<Target> targets() {
            return targets;
        }

        @Override
        public void fill(FetchResponseData response, Outcome outcome, boolean byId, boolean readCommitted) {
            synchronized (FetchSessions.this) {
                for (PartitionResult r : outcome.partitions()) {
                    Key key = Key.of(r.target());
                    Sent now = sentOf(r);
                    boolean news = r.records().sizeInBytes() > 0 || r.error() != Errors.NONE
                            || r.preferredReadReplica() >= 0
                            || !Objects.equals(session.sent.get(key), now) || requested.contains(r.target());
                    if (news) {
                        add(response, r, byId, readCommitted);
                        session.sent.put(key, now);
                    }
                }
            }
        }
    }

    private static Sent sentOf(PartitionResult r) {
        return new Sent(r.highWatermark(), r.lastStableOffset(), r.logStartOffset());
    }

    private static void add(FetchResponseData response, PartitionResult r, boolean byId, boolean readCommitted) {
        FetchableTopicResponse topic = lastTopicFor(response, r, byId);
        PartitionData data = new PartitionData();
        if (r.divergingEpoch() != null) {
            data.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(r.divergingEpoch().leaderEpoch())
                    .setEndOffset(r.divergingEpoch().endOffset()));
        }
        topic.partitions().add(data
                .setPartitionIndex(r.target().partition())
                .setErrorCode(r.error().code())
                .setHighWatermark(r.highWatermark())
                .setLastStableOffset(r.lastStableOffset())
                .setLogStartOffset(r.logStartOffset())
                .setAbortedTransactions(readCommitted ? abortedTransactions(r) : null)
                .setPreferredReadReplica(r.preferredReadReplica())
                .setRecords(r.records()));
    }

    private static List<FetchResponseData.AbortedTransaction> abortedTransactions(PartitionResult r) {
        List<FetchResponseData.AbortedTransaction> out = new ArrayList<>();
        if (r.abortedTransactions() != null) {
            r.abortedTransactions().forEach(t -> out.add(new FetchResponseData.AbortedTransaction()
                    .setProducerId(t.producerId()).setFirstOffset(t.firstOffset())));
        }
        return out;
    }

    /** Consecutive partitions of one topic share one topic entry, as clients expect. */
    private static FetchableTopicResponse lastTopicFor(FetchResponseData response, PartitionResult r, boolean byId) {
        List<FetchableTopicResponse> topics = response.responses();
        Target t = r.target();
        if (!topics.isEmpty()) {
            FetchableTopicResponse last = topics.get(topics.size() - 1);
            boolean same = byId ? last.topicId().equals(t.topicId()) : Objects.equals(last.topic(), t.tp().topic());
            if (same) {
                return last;
            }
        }
        FetchableTopicResponse topic = byId ? new FetchableTopicResponse().setTopicId(t.topicId())
                : new FetchableTopicResponse().setTopic(t.tp().topic());
        topics.add(topic);
        return topic;
    }
}
