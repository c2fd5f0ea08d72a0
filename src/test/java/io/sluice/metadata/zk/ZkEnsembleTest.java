package io.sluice.metadata.zk;

import static io.sluice.metadata.zk.ZkTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** A 3-node ensemble: losing one node is invisible to the brokers. */
class ZkEnsembleTest {
    @Test
    void losingOneOfThreeNodesChangesNothing() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            try (ZkBackend controller = ZkTesting.startedBroker(cluster.getConnectString(), 1);
                 ZkBackend other = ZkTesting.startedBroker(cluster.getConnectString(), 2)) {
                controller.write(ZkBackendTest.createTopic("before", Uuid.randomUuid(), 1, 1)).join();

                // Kill the very server the controller's session is connected to: the client moves to
                // another node within the session timeout, so the session, its ephemeral znodes and the
                // controllership all survive (the controller epoch does not move).
                InstanceSpec victim = cluster.findConnectionInstance(
                        controller.curator().getZookeeperClient().getZooKeeper());
                assertTrue(cluster.killServer(victim));
                await("controller reconnected to another node", Duration.ofSeconds(30), controller::isActiveController);
                try (var raw = ZkTesting.rawClient(cluster.getConnectString())) {
                    assertEquals("1", new String(raw.getData().forPath(ZnodePaths.CONTROLLER_EPOCH)));
                }

                // Retried like a client retries NOT_CONTROLLER: the kill may still be sinking in.
                var after = ZkBackendTest.createTopic("after", Uuid.randomUuid(), 1, 2);
                await("the write goes through", Duration.ofSeconds(30), () -> {
                    try {
                        controller.write(after).join();
                        return true;
                    } catch (java.util.concurrent.CompletionException e) {
                        if (e.getCause() instanceof org.apache.kafka.common.errors.NotControllerException) {
                            return false;
                        }
                        throw e;
                    }
                });
                await("the other broker sees both topics", Duration.ofSeconds(30),
                        () -> other.image().topic("before").isPresent() && other.image().topic("after").isPresent());
                assertTrue(controller.isActiveController());
                assertEquals(List.of(1, 2), List.copyOf(other.image().brokers().keySet()));
            }
        }
    }
}
