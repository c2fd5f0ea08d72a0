package io.sluice.protocol.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.replica.FetchReader.Outcome;
import io.sluice.replica.FetchReader.PartitionResult;
import io.sluice.replica.FetchReader.Target;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchRequestData.ForgottenTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;

/** KIP-227 session rules: creation, incremental requests, epochs, forgotten partitions, eviction. */
class FetchSessionsTest {
    private final FetchSessions sessions = new FetchSessions(2, 60_000);

    private static FetchRequestData request(int sessionId, int epoch, String topic, int... partitions) {
        FetchRequestData data = new FetchRequestData().setSessionId(sessionId).setSessionEpoch(epoch);
        if (partitions.length > 0) {
            FetchTopic t = new FetchTopic().setTopic(topic);
            for (int p : partitions) {
                t.partitions().add(new FetchPartition().setPartition(p).setFetchOffset(0).setPartitionMaxBytes(1000));
            }
            data.topics().add(t);
        }
        return data;
    }

    private static List<Target> targets(FetchRequestData request, boolean byId) {
        List<Target> out = new ArrayList<>();
        request.topics().forEach(t -> t.partitions().forEach(p -> out.add(new Target(new TopicPartition(t.topic(), p.partition()),
                Uuid.ZERO_UUID, p.partition(), p.fetchOffset(), p.partitionMaxBytes(), -1, -1))));
        return out;
    }

    /** Every target answers with the given high watermark and no records. */
    private static FetchResponseData answer(FetchSessions.Resolved resolved, long hwm) {
        List<PartitionResult> results = resolved.targets().stream().map(t -> new PartitionResult(t, Errors.NONE,
                t.tp().topic(), hwm, hwm, 0, MemoryRecords.EMPTY, null, null)).toList();
        FetchResponseData response = new FetchResponseData().setSessionId(resolved.sessionId());
        resolved.fill(response, new Outcome(results, 0, false), false, false);
        return response;
    }

    private static int partitionCount(FetchResponseData response) {
        return response.responses().stream().mapToInt(t -> t.partitions().size()).sum();
    }

    @Test
    void anIncrementalFetchAnswersOnlyPartitionsWithNews() throws Exception {
        FetchSessions.Resolved full = sessions.resolve(request(0, 0, "t", 0, 1, 2), false, FetchSessionsTest::targets);
        assertNotEquals(0, full.sessionId(), "epoch 0 opens a session");
        assertEquals(3, partitionCount(answer(full, 5)));

        FetchSessions.Resolved unchanged = sessions.resolve(request(full.sessionId(), 1, "t"), false, FetchSessionsTest::targets);
        assertEquals(3, unchanged.targets().size(), "the session remembers every partition");
        assertEquals(0, partitionCount(answer(unchanged, 5)), "nothing moved, nothing to say");

        FetchSessions.Resolved moved = sessions.resolve(request(full.sessionId(), 2, "t"), false, FetchSessionsTest::targets);
        assertEquals(3, partitionCount(answer(moved, 6)), "a moved high watermark is news");
    }

    @Test
    void forgottenPartitionsLeaveTheSession() throws Exception {
        FetchSessions.Resolved full = sessions.resolve(request(0, 0, "t", 0, 1), false, FetchSessionsTest::targets);
        answer(full, 1);
        FetchRequestData forget = request(full.sessionId(), 1, "t");
        forget.forgottenTopicsData().add(new ForgottenTopic().setTopic("t").setPartitions(List.of(1)));
        assertEquals(1, sessions.resolve(forget, false, FetchSessionsTest::targets).targets().size());
    }

    @Test
    void wrongEpochAndUnknownSessionAreTheProtocolsErrors() throws Exception {
        FetchSessions.Resolved full = sessions.resolve(request(0, 0, "t", 0), false, FetchSessionsTest::targets);
        FetchSessions.SessionException wrongEpoch = assertThrows(FetchSessions.SessionException.class,
                () -> sessions.resolve(request(full.sessionId(), 5, "t"), false, FetchSessionsTest::targets));
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, wrongEpoch.error());
        FetchSessions.SessionException unknown = assertThrows(FetchSessions.SessionException.class,
                () -> sessions.resolve(request(12345, 1, "t"), false, FetchSessionsTest::targets));
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND, unknown.error());
    }

    @Test
    void theOldestSessionIsEvictedWhenTheCacheIsFull() throws Exception {
        int first = sessions.resolve(request(0, 0, "a", 0), false, FetchSessionsTest::targets).sessionId();
        sessions.resolve(request(0, 0, "b", 0), false, FetchSessionsTest::targets);
        sessions.resolve(request(0, 0, "c", 0), false, FetchSessionsTest::targets);
        FetchSessions.SessionException evicted = assertThrows(FetchSessions.SessionException.class,
                () -> sessions.resolve(request(first, 1, "a"), false, FetchSessionsTest::targets));
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND, evicted.error());
    }

    @Test
    void finalEpochClosesTheSessionAndFetchesWithoutOne() throws Exception {
        FetchSessions.Resolved full = sessions.resolve(request(0, 0, "t", 0), false, FetchSessionsTest::targets);
        FetchSessions.Resolved closing = sessions.resolve(request(full.sessionId(), -1, "t", 0), false, FetchSessionsTest::targets);
        assertEquals(0, closing.sessionId());
        assertThrows(FetchSessions.SessionException.class,
                () -> sessions.resolve(request(full.sessionId(), 1, "t"), false, FetchSessionsTest::targets));
    }
}
