package io.sluice.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.BrokerMetadataView;
import io.sluice.testing.ClusterProcesses;
import io.sluice.testing.QuorumLog;
import io.sluice.testing.RawKafkaClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata quorum of three controllers, as separate processes, under SIGKILL and SIGSTOP, with
 * three brokers in front of it: Kafka's "Multiple nodes" layout, configured through KAFKA_* variables.
 * One cluster serves every test; each test leaves all controllers running again.
 */
class ControllerFailoverProcessTest {
    static final long ELECTION_TIMEOUT_MS = 500;
    static final long FETCH_TIMEOUT_MS = 500;
    /**
     * Room beyond 2 × the election timeout for what is not Raft: JVM safepoints and scheduling of six
     * JVMs on a small shared CI machine, and the log polling that observes the new leader.
     */
    static final long SLACK_MS = 1500;
    static final Duration START = Duration.ofSeconds(60);
    /** Short broker sessions, so fencing after a controller failover is seen within the test. */
    static final long BROKER_SESSION_MS = 3000;

    @TempDir
    static Path work;
    static ClusterProcesses cluster;

    @RegisterExtension
    final TestWatcher logsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                System.err.println("Leader claims by epoch: " + cluster.leaderClaims() + "\n" + cluster.logTails());
            }
        }
    };

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterProcesses.kraft(work, 3, 3, Map.of(
                "controller.quorum.election.timeout.ms", Long.toString(ELECTION_TIMEOUT_MS),
                "controller.quorum.fetch.timeout.ms", Long.toString(FETCH_TIMEOUT_MS),
                "broker.session.timeout.ms", Long.toString(BROKER_SESSION_MS),
                "broker.heartbeat.interval.ms", "500"));
        try {
            cluster.start(START);
        } catch (RuntimeException | InterruptedException e) {
            System.err.println(cluster.logTails());
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void allControllersRunWithALeader() throws Exception {
        for (ClusterProcesses.Node c : cluster.controllers()) {
            assertTrue(c.process().isAlive() && !c.process().isFrozen(), c.process().name() + " is not running");
        }
        cluster.awaitLeader(l -> true, Duration.ofSeconds(10));
    }

    @Test
    void theLayoutIsTheComposeFilesThreeControllersAndThreeBrokers() throws Exception {
        List<Integer> brokerIds = cluster.brokers().stream().map(ClusterProcesses.Node::id).toList();
        for (ClusterProcesses.Node b : cluster.brokers()) {
            try (BrokerMetadataView view = new BrokerMetadataView("127.0.0.1", b.port())) {
                assertEquals(brokerIds, view.brokerIds(), "brokers listed by broker " + b.id());
            }
        }
        QuorumInfo quorum = awaitQuorumAgreesWithLogs(0);
        assertEquals(Set.of(1, 2, 3), quorum.voters().stream().map(QuorumInfo.ReplicaState::replicaId)
                .collect(Collectors.toSet()));
        assertEquals(Set.copyOf(brokerIds), quorum.observers().stream().map(QuorumInfo.ReplicaState::replicaId)
                .collect(Collectors.toSet()));
    }

    @Test
    void topicsCreatedThroughEachBrokerShowTheSameMetadataOnAllBrokers() throws Exception {
        List<String> topics = new ArrayList<>();
        for (ClusterProcesses.Node b : cluster.brokers()) {
            String topic = "via-broker-" + b.id();
            CreateTopicsRequestData.CreatableTopicCollection wanted = new CreateTopicsRequestData.CreatableTopicCollection();
            wanted.add(new CreateTopicsRequestData.CreatableTopic().setName(topic).setNumPartitions(3).setReplicationFactor((short) 3));
            // Straight to this broker (an admin client would choose the node itself): it forwards to the controller.
            try (RawKafkaClient client = new RawKafkaClient("127.0.0.1", b.port())) {
                long t0 = System.nanoTime();
                CreateTopicsResponse response = client.send(new CreateTopicsRequest.Builder(
                        new CreateTopicsRequestData().setTopics(wanted).setTimeoutMs(10_000)).build((short) 7));
                assertEquals(Errors.NONE.code(), response.data().topics().find(topic).errorCode(),
                        "CreateTopics through broker " + b.id() + ": " + response.data());
                assertSameMetadataOnAllBrokers(List.of(topic), Duration.ofSeconds(10));
                System.out.printf("Topic created through broker %d: on all brokers alike after %d ms%n", b.id(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            topics.add(topic);
        }
        assertSameMetadataOnAllBrokers(topics, Duration.ofSeconds(10));
    }

    @Test
    void sigkillOfTheActiveControllerElectsANewOneAndTopicsStillWork() throws Exception {
        QuorumLog.RoleChange old = cluster.awaitLeader(l -> true, Duration.ofSeconds(10));
        ClusterProcesses.Node leader = cluster.node(old.nodeId());

        long t0 = System.nanoTime();
        leader.process().kill();
        QuorumLog.RoleChange next = cluster.awaitLeader(l -> l.epoch() > old.epoch(), Duration.ofSeconds(20));
        long electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.printf("Controller failover: node %d (epoch %d) SIGKILLed, node %d leads epoch %d after %d ms%n",
                old.nodeId(), old.epoch(), next.nodeId(), next.epoch(), electedMs);
        assertTrue(next.nodeId() != old.nodeId());
        assertTrue(electedMs <= 2 * ELECTION_TIMEOUT_MS + SLACK_MS,
                "new leader after " + electedMs + " ms; bound 2 x " + ELECTION_TIMEOUT_MS + " + " + SLACK_MS + " ms slack");

        awaitQuorumAgreesWithLogs(next.epoch());

        String topic = "after-failover";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        assertSameMetadataOnAllBrokers(List.of(topic), Duration.ofSeconds(15));

        // Broker fencing goes on under the new controller: a SIGKILLed broker drops out of every other
        // broker's Metadata within its session, and comes back when restarted.
        ClusterProcesses.Node victim = cluster.brokers().get(cluster.brokers().size() - 1);
        long k0 = System.nanoTime();
        victim.process().kill();
        List<ClusterProcesses.Node> others = cluster.brokers().stream().filter(b -> b.id() != victim.id()).toList();
        awaitBrokerListing(others, victim.id(), false, Duration.ofMillis(BROKER_SESSION_MS + 10_000));
        System.out.printf("Broker %d SIGKILLed: fenced (gone from Metadata) after %d ms%n", victim.id(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - k0));
        cluster.restart(victim, START);
        awaitBrokerListing(others, victim.id(), true, Duration.ofSeconds(30));

        cluster.restart(leader, START);
        awaitFollowing(leader, next.epoch());
    }

    /** Polls the brokers' own Metadata until each lists (or no longer lists) the broker. */
    static void awaitBrokerListing(List<ClusterProcesses.Node> askers, int brokerId, boolean listed, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ClusterProcesses.Node asker : askers) {
            while (true) {
                try (BrokerMetadataView view = new BrokerMetadataView("127.0.0.1", asker.port())) {
                    if (view.brokerIds().contains(brokerId) == listed) {
                        break;
                    }
                }
                assertTrue(System.nanoTime() < deadline, "broker " + asker.id() + " still " + (listed ? "does not list" : "lists")
                        + " broker " + brokerId + " after " + timeout.toMillis() + " ms");
                TimeUnit.MILLISECONDS.sleep(50); // polling interval, not synchronization: the condition is re-checked
            }
        }
    }

    @Test
    void losingOneFollowerControllerIsInvisibleToClients() throws Exception {
        QuorumLog.RoleChange leader = cluster.awaitLeader(l -> true, Duration.ofSeconds(10));
        ClusterProcesses.Node follower = cluster.controllers().stream().filter(c -> c.id() != leader.nodeId())
                .findFirst().orElseThrow();
        List<String> created = new ArrayList<>();
        long maxMs = 0;
        int afterKill = 0;
        // No retries: an operation that hits a hiccup fails the test instead of being retried out of sight.
        try (Admin admin = cluster.admin(Map.of(AdminClientConfig.RETRIES_CONFIG, 0,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
            long endAt = killAt + TimeUnit.MILLISECONDS.toNanos(3000);
            boolean killed = false;
            for (int i = 0; System.nanoTime() < endAt; i++) {
                if (!killed && System.nanoTime() >= killAt) {
                    follower.process().kill();
                    killed = true;
                }
                String topic = "steady-" + i;
                long t0 = System.nanoTime();
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(5, TimeUnit.SECONDS);
                // A created topic reaches each broker by metadata propagation (checked at the end), so a
                // describe right away may find a broker without it, in Kafka too; DescribeCluster does not wait for that.
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                maxMs = Math.max(maxMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                created.add(topic);
                afterKill += killed ? 1 : 0;
            }
        }
        System.out.printf("Follower controller %d SIGKILLed: %d CreateTopics+DescribeCluster operations after it, slowest %d ms%n",
                follower.id(), afterKill, maxMs);
        assertTrue(afterKill >= 5, "only " + afterKill + " operations after the kill");
        assertTrue(maxMs < 2 * FETCH_TIMEOUT_MS, "an operation took " + maxMs + " ms");
        assertNoSplitBrain();
        assertSameMetadataOnAllBrokers(created, Duration.ofSeconds(15));

        cluster.restart(follower, START);
        awaitFollowing(follower, leader.epoch());
    }

    @Test
    void aFrozenLeaderIsReplacedWithoutSplitBrainAndFollowsOnceThawed() throws Exception {
        QuorumLog.RoleChange old = cluster.awaitLeader(l -> true, Duration.ofSeconds(10));
        ClusterProcesses.Node frozen = cluster.node(old.nodeId());

        long t0 = System.nanoTime();
        frozen.process().freeze();
        QuorumLog.RoleChange next;
        long electedMs;
        try {
            next = cluster.awaitLeader(l -> l.epoch() > old.epoch(), Duration.ofSeconds(20));
            electedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        } finally {
            frozen.process().thaw();
        }
        System.out.printf("Leader %d SIGSTOPped in epoch %d: node %d leads epoch %d after %d ms%n",
                old.nodeId(), old.epoch(), next.nodeId(), next.epoch(), electedMs);
        assertTrue(electedMs <= 2 * ELECTION_TIMEOUT_MS + SLACK_MS,
                "new leader after " + electedMs + " ms; bound 2 x " + ELECTION_TIMEOUT_MS + " + " + SLACK_MS + " ms slack");

        awaitFollowing(frozen, next.epoch());
        awaitQuorumAgreesWithLogs(next.epoch());
        assertNoSplitBrain();

        String topic = "after-thaw";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 3))).all().get(30, TimeUnit.SECONDS);
        }
        assertSameMetadataOnAllBrokers(List.of(topic), Duration.ofSeconds(15));
    }

    /** Polls each broker's own Metadata until all of them describe the topics completely and alike. */
    static Map<String, String> assertSameMetadataOnAllBrokers(List<String> topics, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<BrokerMetadataView> views = new ArrayList<>();
        try {
            for (ClusterProcesses.Node b : cluster.brokers()) {
                views.add(new BrokerMetadataView("127.0.0.1", b.port()));
            }
            while (true) {
                List<Map<String, String>> seen = new ArrayList<>();
                for (BrokerMetadataView v : views) {
                    seen.add(v.topics(topics));
                }
                boolean allComplete = seen.stream().allMatch(s -> s.keySet().containsAll(topics));
                if (allComplete && seen.stream().distinct().count() == 1) {
                    return seen.get(0);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("brokers " + cluster.brokers().stream().map(ClusterProcesses.Node::id).toList()
                            + " do not show the same complete metadata for " + topics + " within " + timeout + ": " + seen);
                }
                Thread.sleep(20); // polling: the deadline above bounds the wait
            }
        } finally {
            for (BrokerMetadataView v : views) {
                v.close();
            }
        }
    }

    /** At most one controller ever claimed each epoch, over every life of every controller. */
    static void assertNoSplitBrain() {
        cluster.leaderClaims().forEach((epoch, claimants) ->
                assertEquals(1, claimants.size(), "epoch " + epoch + " has leaders " + claimants));
    }

    /**
     * Polls DescribeQuorum through the brokers (forwarded to the active controller) until it names the
     * leader and epoch the controllers' logs show now, at or after the given epoch; a broker may still
     * point at an older controller for a moment.
     */
    static QuorumInfo awaitQuorumAgreesWithLogs(int minEpoch) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try (Admin admin = admin()) {
            while (true) {
                QuorumInfo quorum = null;
                try {
                    quorum = admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // NOT_CONTROLLER while the brokers catch up with the new leader: ask again
                }
                var logs = cluster.currentLeader();
                if (quorum != null && logs.isPresent() && quorum.leaderId() == logs.get().nodeId()
                        && quorum.leaderEpoch() == logs.get().epoch() && quorum.leaderEpoch() >= minEpoch) {
                    return quorum;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("DescribeQuorum says " + quorum + ", the logs say " + logs
                            + " (epoch " + minEpoch + " or later expected)");
                }
                Thread.sleep(50); // polling: the deadline above bounds the wait
            }
        }
    }

    /** Waits until the node's log shows it following a leader in the given epoch or a later one. */
    static void awaitFollowing(ClusterProcesses.Node node, int epoch) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            var latest = QuorumLog.latest(node.process());
            if (latest.isPresent() && latest.get().epoch() >= epoch && latest.get().role().equals("FOLLOWER")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(node.process().name() + " does not follow epoch " + epoch + " or later: "
                        + latest + "\n" + node.process().logTail());
            }
            Thread.sleep(20); // polling the log: the deadline above bounds the wait
        }
    }

    static Admin admin() {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        overrides.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
        return cluster.admin(overrides);
    }
}
