package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.coordinator.CoordinatorRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One shard on its own: state only changes once its records are written, replay rebuilds it, retention expires it. */
class GroupCoordinatorShardTest {
    private static final long RETENTION_MS = 60_000;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<CoordinatorRecord> log = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private boolean failWrites;

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private GroupCoordinatorShard shard() {
        GroupConfig config = new GroupConfig(100, 100_000, 0, 10, RETENTION_MS, 3_600_000, 10, 5000);
        return new GroupCoordinatorShard(0, records -> {
            if (failWrites) {
                throw new NotCoordinatorException("log gone");
            }
            log.addAll(records);
        }, Runnable::run, scheduler, config, now::get);
    }

    private static OffsetCommitRequestData simpleCommit(String group, String topic, int partition, long offset, String metadata) {
        return new OffsetCommitRequestData().setGroupId(group).setGenerationIdOrMemberEpoch(-1).setMemberId("")
                .setTopics(List.of(new OffsetCommitRequestTopic().setName(topic).setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(partition).setCommittedOffset(offset)
                                .setCommittedMetadata(metadata)))));
    }

    private static short error(OffsetCommitResponseData r) {
        return r.topics().get(0).partitions().get(0).errorCode();
    }

    @Test
    void replayingTheWrittenRecordsRebuildsOffsetsAndDeletions() {
        GroupCoordinatorShard shard = shard();
        TopicPartition tp = new TopicPartition("t", 0);
        assertEquals(Errors.NONE.code(), error(shard.commitOffsets(simpleCommit("g", "t", 0, 5, "a"))));
        assertEquals(Errors.NONE.code(), error(shard.commitOffsets(simpleCommit("g", "t", 0, 7, "b"))));
        assertEquals(Errors.NONE.code(), error(shard.commitOffsets(simpleCommit("h", "t", 0, 1, ""))));
        assertEquals(Errors.OFFSET_METADATA_TOO_LARGE.code(),
                error(shard.commitOffsets(simpleCommit("g", "t", 0, 9, "way too long metadata"))));
        assertEquals(Errors.NONE, shard.deleteGroups(List.of("h")).get("h"));

        GroupCoordinatorShard reloaded = shard();
        log.forEach(r -> reloaded.replay(r.key(), r.value()));
        reloaded.onLoaded();
        assertEquals(7, reloaded.fetchOffsets("g", List.of(tp)).get(tp).offset());
        assertEquals("b", reloaded.fetchOffsets("g", List.of(tp)).get(tp).metadata());
        assertNull(reloaded.describe("h"), "a deleted group stays deleted after replay");
        assertTrue(reloaded.fetchOffsets("h", null).isEmpty());
        assertEquals(Set.of("g"), Set.copyOf(reloaded.listGroups(Set.of(), Set.of()).stream().map(l -> l.groupId()).toList()));
    }

    @Test
    void aFailedWriteChangesNothing() {
        GroupCoordinatorShard shard = shard();
        failWrites = true;
        assertEquals(Errors.NOT_COORDINATOR.code(), error(shard.commitOffsets(simpleCommit("g", "t", 0, 5, ""))));
        assertNull(shard.describe("g"));
        assertTrue(shard.fetchOffsets("g", null).isEmpty());
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoesWithThem() {
        GroupCoordinatorShard shard = shard();
        shard.commitOffsets(simpleCommit("old", "t", 0, 5, ""));
        now.addAndGet(RETENTION_MS / 2);
        shard.commitOffsets(simpleCommit("young", "t", 0, 5, ""));
        now.addAndGet(RETENTION_MS / 2 + 1);
        shard.expireOffsets();
        assertTrue(shard.fetchOffsets("old", null).isEmpty());
        assertNull(shard.describe("old"));
        assertEquals(1, shard.fetchOffsets("young", null).size());

        GroupCoordinatorShard reloaded = shard();
        log.forEach(r -> reloaded.replay(r.key(), r.value()));
        assertNull(reloaded.describe("old"), "the expiry was written as tombstones");
        assertEquals(1, reloaded.fetchOffsets("young", null).size());
    }

    @Test
    void offsetsOfAnEmptyConsumerProtocolGroupExpireAfterTheRetentionAndTheGroupGoesWithThem() {
        GroupCoordinatorShard shard = shard();
        String member = Uuid.randomUuid().toString();
        ConsumerGroupHeartbeatResponseData joined = shard.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("kip848").setMemberId(member).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of()), (short) 1, "client", "/127.0.0.1");
        assertEquals(Errors.NONE.code(), joined.errorCode(), joined.errorMessage());
        OffsetCommitRequestData commit = simpleCommit("kip848", "t", 0, 5, "")
                .setMemberId(member).setGenerationIdOrMemberEpoch(joined.memberEpoch());
        assertEquals(Errors.NONE.code(), error(shard.commitOffsets(commit)));

        // The offsets of a topic a member subscribes to stay however old they are.
        now.addAndGet(RETENTION_MS + 1);
        shard.expireOffsets();
        assertEquals(1, shard.fetchOffsets("kip848", null).size());

        ConsumerGroupHeartbeatResponseData left = shard.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("kip848").setMemberId(member).setMemberEpoch(-1), (short) 1, "client", "/127.0.0.1");
        assertEquals(Errors.NONE.code(), left.errorCode(), left.errorMessage());
        shard.expireOffsets();
        assertTrue(shard.fetchOffsets("kip848", null).isEmpty(), "empty, and the commit is older than the retention");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), shard.describeConsumerGroup("kip848").errorCode());
        assertTrue(shard.listGroups(Set.of(), Set.of()).isEmpty());

        GroupCoordinatorShard reloaded = shard();
        log.forEach(r -> reloaded.replay(r.key(), r.value()));
        reloaded.onLoaded();
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), reloaded.describeConsumerGroup("kip848").errorCode(),
                "the expiry was written as tombstones");
        assertTrue(reloaded.fetchOffsets("kip848", null).isEmpty());
    }

    @Test
    void anEmptyConsumerProtocolGroupKeepsOffsetsCommittedWithinTheRetention() {
        GroupCoordinatorShard shard = shard();
        String member = Uuid.randomUuid().toString();
        ConsumerGroupHeartbeatResponseData joined = shard.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("recent").setMemberId(member).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("t")).setTopicPartitions(List.of()), (short) 1, "client", "/127.0.0.1");
        shard.commitOffsets(simpleCommit("recent", "t", 0, 5, "").setMemberId(member)
                .setGenerationIdOrMemberEpoch(joined.memberEpoch()));
        now.addAndGet(RETENTION_MS / 2);
        shard.commitOffsets(simpleCommit("recent", "t", 1, 9, "").setMemberId(member)
                .setGenerationIdOrMemberEpoch(joined.memberEpoch()));
        shard.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("recent").setMemberId(member).setMemberEpoch(-1), (short) 1, "client", "/127.0.0.1");

        now.addAndGet(RETENTION_MS / 2 + 1);
        shard.expireOffsets();
        TopicPartition young = new TopicPartition("t", 1);
        assertEquals(Set.of(young), shard.fetchOffsets("recent", null).keySet(),
                "only the offset committed more than the retention ago is gone");
        assertEquals(9, shard.fetchOffsets("recent", null).get(young).offset());
        assertEquals(Errors.NONE.code(), shard.describeConsumerGroup("recent").errorCode(), "the group stays while it has offsets");
    }

    @Test
    void aConsumerProtocolGroupWithMembersLosesOnlyTheOffsetsOfTopicsNoMemberSubscribesTo() {
        GroupCoordinatorShard shard = shard();
        String byName = Uuid.randomUuid().toString();
        String byRegex = Uuid.randomUuid().toString();
        ConsumerGroupHeartbeatResponseData first = shard.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("busy").setMemberId(byName).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("named")).setTopicPartitions(List.of()), (short) 1, "client", "/127.0.0.1");
        ConsumerGroupHeartbeatResponseData second = shard.consumerGroupHeartbeat(new ConsumerGroupHeartbeatRequestData()
                .setGroupId("busy").setMemberId(byRegex).setMemberEpoch(0).setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicRegex("orders-.*").setTopicPartitions(List.of()), (short) 1, "client", "/127.0.0.1");
        assertEquals(Errors.NONE.code(), second.errorCode(), second.errorMessage());
        for (String topic : List.of("named", "orders-eu", "dropped")) {
            assertEquals(Errors.NONE.code(), error(shard.commitOffsets(simpleCommit("busy", topic, 0, 3, "")
                    .setMemberId(byName).setGenerationIdOrMemberEpoch(first.memberEpoch()))), topic);
        }
        now.addAndGet(RETENTION_MS + 1);
        shard.expireOffsets();
        assertEquals(Set.of(new TopicPartition("named", 0), new TopicPartition("orders-eu", 0)),
                shard.fetchOffsets("busy", null).keySet(), "KIP-496: only the unsubscribed topic's offset expires");
        assertEquals(Errors.NONE.code(), shard.describeConsumerGroup("busy").errorCode(), "a group with members stays");
    }
}
