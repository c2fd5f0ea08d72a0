package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.testing.RawKafkaClient;
import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OffsetCommit v10 and OffsetFetch v10 name topics by id; an unknown id is UNKNOWN_TOPIC_ID. */
class OffsetsByTopicIdTest {
    @TempDir
    Path data;

    @Test
    void commitAndFetchByTopicId() throws Exception {
        try (TestBroker broker = new TestBroker(data, Map.of("offsets.topic.num.partitions", "1")).start();
             RawKafkaClient raw = new RawKafkaClient("127.0.0.1", broker.port())) {
            Uuid id;
            try (Admin admin = Admin.create(broker.clientProps())) {
                id = admin.createTopics(List.of(new NewTopic("by-id", 2, (short) 1))).topicId("by-id").get();
            }
            raw.awaitGroupCoordinatorLoaded("gid", Duration.ofSeconds(30));
            Uuid unknown = Uuid.randomUuid();
            OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("gid").setTopics(List.of(
                    new OffsetCommitRequestTopic().setTopicId(id).setPartitions(List.of(
                            new OffsetCommitRequestPartition().setPartitionIndex(1).setCommittedOffset(42))),
                    new OffsetCommitRequestTopic().setTopicId(unknown).setPartitions(List.of(
                            new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(1)))));
            OffsetCommitResponseData committed = raw.<OffsetCommitResponse>send(
                    OffsetCommitRequest.Builder.forTopicIdsOrNames(commit).build((short) 10)).data();
            assertEquals(id, committed.topics().get(0).topicId());
            assertEquals(Errors.NONE.code(), committed.topics().get(0).partitions().get(0).errorCode());
            assertEquals(unknown, committed.topics().get(1).topicId());
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), committed.topics().get(1).partitions().get(0).errorCode());

            OffsetFetchRequestData fetch = new OffsetFetchRequestData().setGroups(List.of(new OffsetFetchRequestGroup()
                    .setGroupId("gid").setTopics(List.of(new OffsetFetchRequestTopics().setTopicId(id)
                            .setPartitionIndexes(List.of(0, 1))))));
            OffsetFetchResponseData fetched = raw.<OffsetFetchResponse>send(
                    OffsetFetchRequest.Builder.forTopicIdsOrNames(fetch, false).build((short) 10)).data();
            var topic = fetched.groups().get(0).topics().get(0);
            assertEquals(id, topic.topicId());
            assertEquals(-1, topic.partitions().get(0).committedOffset());
            assertEquals(42, topic.partitions().get(1).committedOffset());
        }
    }
}
