package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.RawKafkaClient;
import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error codes of the classic group protocol, seen on the wire without a client library smoothing them over. */
class GroupProtocolErrorsTest {
    private static final short JOIN_V = 9;

    @TempDir
    Path data;
    private TestBroker broker;
    private RawKafkaClient client;

    @BeforeEach
    void start() throws Exception {
        broker = new TestBroker(data, Map.of("offsets.topic.num.partitions", "3", "group.max.size", "2",
                "group.min.session.timeout.ms", "500")).start();
        client = new RawKafkaClient("127.0.0.1", broker.port());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        broker.close();
    }

    @Test
    void dynamicMemberLifecycleAndItsErrors() throws Exception {
        String g = "raw-g";
        awaitCoordinator(g); // its partition of __consumer_offsets loaded
        JoinGroupResponseData first = join(g, "", null, 10_000);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        String memberId = first.memberId();
        assertTrue(memberId.startsWith("raw-client-"), memberId);

        assertEquals(Errors.INVALID_SESSION_TIMEOUT.code(), join(g, memberId, null, 100).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), join(g, "nobody", null, 10_000).errorCode());

        JoinGroupResponseData joined = join(g, memberId, null, 10_000);
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(1, joined.generationId());
        assertEquals(memberId, joined.leader());
        assertEquals("range", joined.protocolName());
        assertEquals(1, joined.members().size());

        assertEquals(Errors.ILLEGAL_GENERATION.code(), sync(g, memberId, 7, null).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), sync(g, "nobody", 1, null).errorCode());
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), client.<SyncGroupResponse>send(new SyncGroupRequest.Builder(
                new SyncGroupRequestData().setGroupId(g).setMemberId(memberId).setGenerationId(1)
                        .setProtocolType("consumer").setProtocolName("roundrobin")).build((short) 5)).data().errorCode());
        SyncGroupResponseData synced = sync(g, memberId, 1, new byte[] {4, 2});
        assertEquals(Errors.NONE.code(), synced.errorCode());
        assertArrayEquals(new byte[] {4, 2}, synced.assignment());

        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(g, "nobody", 1, null));
        assertEquals(Errors.ILLEGAL_GENERATION, heartbeat(g, memberId, 0, null));
        assertEquals(Errors.NONE, heartbeat(g, memberId, 1, null));

        assertEquals(Errors.ILLEGAL_GENERATION, commit(g, memberId, 5));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(g, "nobody", 1));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, commit(g, "", -1), "a simple commit to a group with members");
        assertEquals(Errors.NONE, commit(g, memberId, 1));
        assertEquals(Errors.NONE, commit("simple-g", "", -1), "a simple commit creates an offsets-only group");
        assertEquals(Errors.ILLEGAL_GENERATION, commit("no-such-g", "m", 3));

        assertEquals(Errors.NON_EMPTY_GROUP.code(), deleteGroup(g));
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), deleteGroup("never-existed"));

        // group.max.size=2: one member plus one pending new member fill it.
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), join(g, "", null, 10_000).errorCode());
        assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code(), join(g, "", null, 10_000).errorCode());

        LeaveGroupResponse left = client.send(new LeaveGroupRequest.Builder(g, List.of(
                new MemberIdentity().setMemberId("nobody"), new MemberIdentity().setMemberId(memberId))).build((short) 5));
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), left.data().members().get(0).errorCode());
        assertEquals(Errors.NONE.code(), left.data().members().get(1).errorCode());
        // The last member gone, the rebalance ends with no one to wait for (a zero rebalance timeout) on the
        // coordinator's timer, just after the LeaveGroup answer: poll for it.
        awaitState(g, "Empty");
        assertEquals(Errors.NONE.code(), deleteGroup(g));
    }

    @Test
    void aRestartedStaticMemberReplacesItsOldSelfWithoutARebalance() throws Exception {
        String g = "static-g";
        awaitCoordinator(g); // its partition of __consumer_offsets loaded
        JoinGroupResponseData first = join(g, "", "instance-1", 10_000);
        assertEquals(Errors.NONE.code(), first.errorCode(), "static members need no member id round trip");
        assertEquals(1, first.generationId());
        assertEquals(Errors.NONE.code(), sync(g, first.memberId(), 1, new byte[] {1}, "instance-1").errorCode());

        JoinGroupResponseData again = join(g, "", "instance-1", 10_000);
        assertEquals(Errors.NONE.code(), again.errorCode());
        assertNotEquals(first.memberId(), again.memberId());
        assertEquals(1, again.generationId(), "no rebalance for an unchanged static member");
        assertTrue(again.skipAssignment(), "the static leader keeps the current assignment");
        SyncGroupResponseData synced = sync(g, again.memberId(), 1, null, "instance-1");
        assertArrayEquals(new byte[] {1}, synced.assignment(), "the assignment carries over");

        assertEquals(Errors.FENCED_INSTANCE_ID, heartbeat(g, first.memberId(), 1, "instance-1"));
        assertEquals(Errors.NONE, heartbeat(g, again.memberId(), 1, "instance-1"));
    }

    @Test
    void aMemberThatDoesNotRejoinIsDroppedAfterTheRebalanceTimeoutAndTheOthersGoOn() throws Exception {
        String g = "stuck-g";
        awaitCoordinator(g); // its partition of __consumer_offsets loaded
        String silent = join(g, "", null, 10_000).memberId();
        JoinGroupResponseData a = join(g, silent, null, 10_000, 1_000);
        assertEquals(Errors.NONE, Errors.forCode(a.errorCode()));
        assertEquals(1, a.generationId());
        assertEquals(Errors.NONE.code(), sync(g, silent, 1, new byte[] {1}).errorCode());
        // A second member arrives; the first never rejoins (a consumer stuck outside poll()).
        try (RawKafkaClient other = new RawKafkaClient("127.0.0.1", broker.port())) {
            RawKafkaClient mine = client;
            client = other;
            try {
                String second = join(g, "", null, 10_000).memberId();
                long t0 = System.nanoTime();
                JoinGroupResponseData b = join(g, second, null, 10_000, 1_000);
                assertEquals(Errors.NONE.code(), b.errorCode());
                assertEquals(2, b.generationId());
                assertEquals(second, b.leader(), "the silent member is gone, the newcomer leads");
                assertEquals(1, b.members().size());
                assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(900), "waited for the rebalance timeout");
                assertEquals(Errors.NONE.code(), sync(g, second, 2, new byte[] {2}).errorCode());
            } finally {
                client = mine;
            }
        }
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(g, silent, 1, null));
    }

    @Test
    void aStableGroupIsRestoredFromTheLogAfterABrokerRestart() throws Exception {
        String g = "durable-g";
        awaitCoordinator(g); // its partition of __consumer_offsets loaded
        String member = join(g, "", null, 30_000).memberId();
        JoinGroupResponseData joined = join(g, member, null, 30_000);
        assertEquals(Errors.NONE, Errors.forCode(joined.errorCode()), "member " + member);
        assertEquals(1, joined.generationId());
        assertEquals(Errors.NONE.code(), sync(g, member, 1, new byte[] {9}).errorCode());

        client.close();
        broker.stop();
        broker.start();
        client = new RawKafkaClient("127.0.0.1", broker.port());
        awaitCoordinator(g);

        assertEquals("Stable", describeState(g));
        assertEquals(Errors.NONE, heartbeat(g, member, 1, null), "the member and its generation survived");
        SyncGroupResponseData again = sync(g, member, 1, null);
        assertArrayEquals(new byte[] {9}, again.assignment(), "the assignment survived");
    }

    // ------------------------------------------------------------------ requests

    private void awaitCoordinator(String group) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            FindCoordinatorResponse r = client.send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                    .setKeyType((byte) 0).setCoordinatorKeys(List.of(group))).build((short) 4));
            if (r.data().coordinators().get(0).errorCode() == Errors.NONE.code()) {
                // The coordinator is known; wait until it serves the group (loaded, not NOT_COORDINATOR/LOADING).
                if (describeError(group) == Errors.NONE.code()) {
                    return;
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("no coordinator");
    }

    private JoinGroupResponseData join(String group, String memberId, String instanceId, int sessionTimeout) throws Exception {
        return join(group, memberId, instanceId, sessionTimeout, 10_000);
    }

    private JoinGroupResponseData join(String group, String memberId, String instanceId, int sessionTimeout,
                                       int rebalanceTimeout) throws Exception {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {0}));
        protocols.add(new JoinGroupRequestProtocol().setName("roundrobin").setMetadata(new byte[] {1}));
        JoinGroupResponse r = client.send(new JoinGroupRequest.Builder(new JoinGroupRequestData().setGroupId(group)
                .setMemberId(memberId).setGroupInstanceId(instanceId).setProtocolType("consumer").setProtocols(protocols)
                .setSessionTimeoutMs(sessionTimeout).setRebalanceTimeoutMs(rebalanceTimeout)).build(JOIN_V));
        return r.data();
    }

    private SyncGroupResponseData sync(String group, String memberId, int generation, byte[] assignment) throws Exception {
        return sync(group, memberId, generation, assignment, null);
    }

    private SyncGroupResponseData sync(String group, String memberId, int generation, byte[] assignment,
                                       String instanceId) throws Exception {
        SyncGroupRequestData data = new SyncGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setGroupInstanceId(instanceId).setGenerationId(generation).setProtocolType("consumer").setProtocolName("range");
        if (assignment != null) {
            data.assignments().add(new SyncGroupRequestAssignment().setMemberId(memberId).setAssignment(assignment));
        }
        SyncGroupResponse r = client.send(new SyncGroupRequest.Builder(data).build((short) 5));
        return r.data();
    }

    private Errors heartbeat(String group, String memberId, int generation, String instanceId) throws Exception {
        HeartbeatResponse r = client.send(new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group)
                .setMemberId(memberId).setGenerationId(generation).setGroupInstanceId(instanceId)).build((short) 4));
        return Errors.forCode(r.data().errorCode());
    }

    private Errors commit(String group, String memberId, int generation) throws Exception {
        OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation).setTopics(List.of(new OffsetCommitRequestTopic().setName("t")
                        .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(5)))));
        OffsetCommitResponse r = client.send(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 9));
        return Errors.forCode(r.data().topics().get(0).partitions().get(0).errorCode());
    }

    private short deleteGroup(String group) throws Exception {
        DeleteGroupsResponse r = client.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                .setGroupsNames(List.of(group))).build((short) 2));
        return r.data().results().find(group).errorCode();
    }

    private short describeError(String group) throws Exception {
        DescribeGroupsResponse r = client.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of(group))).build((short) 5));
        return r.data().groups().get(0).errorCode();
    }

    private void awaitState(String group, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = describeState(group);
        while (!seen.equals(state)) {
            assertTrue(System.nanoTime() < deadline, "group " + group + " still " + seen + ", not " + state);
            Thread.sleep(20); // polling the coordinator: the deadline above bounds the wait
            seen = describeState(group);
        }
    }

    private String describeState(String group) throws Exception {
        DescribeGroupsResponse r = client.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                .setGroups(List.of(group))).build((short) 5));
        return r.data().groups().get(0).groupState();
    }
}
