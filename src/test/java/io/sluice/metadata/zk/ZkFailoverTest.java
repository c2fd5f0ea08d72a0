package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.PartitionImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication in zk mode with the same controller code as kraft: a broker whose znode goes leaves the
 * ISRs and its leadership moves to another ISR member; a leader that is not the controller changes
 * its ISR with AlterPartition sent to the controller broker over the Kafka protocol.
 */
class ZkFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TopicPartition TP = new TopicPartition("replicated", 0);

    @Test
    void departedBrokersLeaveTheIsrAndLeadershipMovesWhileNonControllerLeadersExpandTheirIsr(
            @TempDir Path d1, @TempDir Path d2, @TempDir Path d3) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker controller = new ZkTestBroker(1, zk.getConnectString(), d1).start();
             ZkTestBroker leader = new ZkTestBroker(2, zk.getConnectString(), d2).start()) {
            ZkTestBroker follower = new ZkTestBroker(3, zk.getConnectString(), d3).start();
            assertTrue(controller.broker().parts().backend().isActiveController());
            try (Admin admin = Admin.create(controller.clientProps())) {
                admin.createTopics(List.of(new NewTopic(TP.topic(), Map.of(0, List.of(2, 3, 1))))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            await("partition led by broker 2 with the full ISR", WAIT, () -> state(controller).leader() == 2
                    && state(controller).isr().equals(List.of(2, 3, 1)));
            produce(leader, "a");

            // Broker 3 goes (its session and znode with it): the controller takes it out of the ISR.
            follower.close();
            await("broker 3 leaves the ISR", WAIT, () -> state(controller).isr().equals(List.of(2, 1)));
            assertEquals(2, state(controller).leader());
            produce(leader, "b");

            // Broker 3 returns and catches up from broker 2, which is not the controller: its AlterPartition
            // travels to broker 1 over the Kafka protocol and brings broker 3 back into the ISR.
            follower = new ZkTestBroker(3, zk.getConnectString(), d3).start();
            try (ZkTestBroker returned = follower) {
                await("broker 3 back in the ISR through AlterPartition from broker 2", WAIT,
                        () -> state(controller).isr().containsAll(List.of(1, 2, 3)));
                assertEquals(2, state(controller).leader());

                // The leader goes: leadership moves to the first ISR member in replica order (broker 3).
                int epochBefore = state(controller).leaderEpoch();
                leader.close();
                await("broker 3 leads, broker 2 out of the ISR", WAIT, () -> state(controller).leader() == 3
                        && !state(controller).isr().contains(2));
                assertTrue(state(controller).leaderEpoch() > epochBefore);
                await("broker 3 itself leads now", WAIT, () -> state(returned).leader() == 3);
                produce(returned, "c");
                assertEquals(List.of("a", "b", "c"), consumeAll(returned, 3));
            }
        }
    }

    @Test
    void sessionExpiryReRegistersUnderANewEpochThatLaterIsrChangesCarryAndReElectsTheController(
            @TempDir Path d1, @TempDir Path d2, @TempDir Path d3) throws Exception {
        try (TestingServer zk = new TestingServer(true);
             ZkTestBroker first = new ZkTestBroker(1, zk.getConnectString(), d1).start();
             ZkTestBroker leader = new ZkTestBroker(2, zk.getConnectString(), d2).start();
             ZkTestBroker follower = new ZkTestBroker(3, zk.getConnectString(), d3).start();
             Admin admin = Admin.create(leader.clientProps())) {
            admin.createTopics(List.of(new NewTopic(TP.topic(), Map.of(0, List.of(2, 3, 1))))).all()
                    .get(30, TimeUnit.SECONDS);
            await("the full ISR", WAIT, () -> state(leader).isr().equals(List.of(2, 3, 1)));
            long oldEpoch = leader.broker().parts().backend().image().brokers().get(3).epoch();

            // Broker 3's session expires: it registers again under a new znode, so a new broker epoch.
            backend(follower).curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
            await("broker 3 registered under a new epoch", WAIT, () -> {
                var b3 = leader.broker().parts().backend().image().brokers().get(3);
                return b3 != null && b3.epoch() != oldEpoch;
            });

            // The controller (broker 1) goes: another broker takes over and drops broker 1 from the ISR.
            first.close();
            await("broker 1 out of the ISR", WAIT, () -> state(leader).isr().equals(List.of(2, 3)));
            // Broker 1 returns: leader 2's AlterPartition names broker 3 with the epoch its fetches carry, which
            // must be the new one, or the controller refuses the change as INELIGIBLE_REPLICA.
            try (ZkTestBroker returned = new ZkTestBroker(1, zk.getConnectString(), d1).start()) {
                await("broker 1 back in the ISR", WAIT, () -> state(leader).isr().containsAll(List.of(1, 2, 3)));
                produce(leader, "after-expiries");

                // The controller's session expires: a controller is elected again (a new /controller_epoch)
                // and metadata changes go on.
                int epochBefore = controllerEpoch(zk);
                int controllerId = leader.broker().parts().backend().image().controllerId();
                ZkTestBroker controller = List.of(returned, leader, follower).stream()
                        .filter(b -> b.broker().nodeId() == controllerId).findFirst().orElseThrow();
                backend(controller).curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
                await("a new controller epoch", WAIT, () -> controllerEpoch(zk) > epochBefore);
                // The expired broker re-registers under a new session: once every broker (the controller among
                // them) sees all three again, a topic with three replicas can be placed.
                await("all three brokers registered everywhere", WAIT, () -> List.of(returned, leader, follower).stream()
                        .allMatch(b -> b.broker().parts().backend().image().brokers().keySet()
                                .equals(java.util.Set.of(1, 2, 3))));
                admin.createTopics(List.of(new NewTopic("after-controller-expiry", 1, (short) 3))).all()
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static ZkBackend backend(ZkTestBroker broker) {
        return (ZkBackend) broker.broker().parts().backend();
    }

    private static int controllerEpoch(TestingServer zk) {
        try (var raw = ZkTesting.rawClient(zk.getConnectString())) {
            return Integer.parseInt(new String(raw.getData().forPath(ZnodePaths.CONTROLLER_EPOCH)).trim());
        } catch (Exception e) {
            return -1;
        }
    }

    private static PartitionImage state(ZkTestBroker broker) {
        return broker.broker().parts().backend().image().topic(TP.topic()).orElseThrow().partitions().get(0);
    }

    private static void produce(ZkTestBroker via, String value) throws Exception {
        Properties p = via.clientProps();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TP.topic(), 0, "k", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consumeAll(ZkTestBroker via, int count) {
        Properties p = via.clientProps();
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
