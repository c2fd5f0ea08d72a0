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

                InstanceSpec victim = cluster.getServers().get(0).getInstanceSpec();
                assertTrue(cluster.killServer(victim));

                controller.write(ZkBackendTest.createTopic("after", Uuid.randomUuid(), 1, 2)).join();
                await("the other broker sees both topics", Duration.ofSeconds(30),
                        () -> other.image().topic("before").isPresent() && other.image().topic("after").isPresent());
                assertTrue(controller.isActiveController());
                assertEquals(List.of(1, 2), List.copyOf(other.image().brokers().keySet()));
            }
        }
    }
}
