package io.sluice.metadata.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** Start-up: zookeeper.connect parsing, the chroot, /cluster/id, and an unreachable ensemble. */
class ZkStartTest {
    @Test
    void connectStringSplitsIntoHostsAndChroot() {
        ZkSettings nested = new ZkSettings("a:2181,b:2181/kafka/prod/", 1, 1, false, 1, Optional.empty(), "PLAINTEXT", 30000);
        assertEquals("a:2181,b:2181", nested.hosts());
        assertEquals(Optional.of("/kafka/prod"), nested.chroot());
        ZkSettings bare = new ZkSettings("a:2181", 1, 1, false, 1, Optional.empty(), "PLAINTEXT", 30000);
        assertEquals("a:2181", bare.hosts());
        assertEquals(Optional.empty(), bare.chroot());
    }

    @Test
    void aMissingNestedChrootIsCreatedAndTheClusterIdIsKept() throws Exception {
        try (TestingServer server = new TestingServer(true)) {
            String connect = server.getConnectString() + "/kafka/prod";
            try (ZkBackend backend = new ZkBackend(new ZkSettings(connect, 4000, 3000, false, 1, Optional.of("cluster-A"), "PLAINTEXT", 30000))) {
                backend.start();
                assertEquals("cluster-A", backend.image().clusterId());
            }
            try (CuratorFramework root = CuratorFrameworkFactory.newClient(server.getConnectString(), new RetryOneTime(100))) {
                root.start();
                assertNotEquals(null, root.checkExists().forPath("/kafka/prod/brokers/ids"));
                assertNotEquals(null, root.checkExists().forPath("/kafka/prod/cluster/id"));
            }
            // A broker configured for another cluster is refused rather than mixing two clusters.
            ZkBackend wrongCluster = new ZkBackend(new ZkSettings(connect, 4000, 3000, false, 2, Optional.of("cluster-B"), "PLAINTEXT", 30000));
            IllegalStateException refused = assertThrows(IllegalStateException.class, wrongCluster::start);
            assertTrue(refused.getMessage().contains("cluster-A"), refused.getMessage());
            // Without a configured id a broker joins whatever cluster the ensemble holds.
            try (ZkBackend joining = new ZkBackend(new ZkSettings(connect, 4000, 3000, false, 3, Optional.empty(), "PLAINTEXT", 30000))) {
                joining.start();
                assertEquals("cluster-A", joining.image().clusterId());
            }
        }
    }

    @Test
    void aSecondLiveBrokerWithTheSameIdIsRefused() throws Exception {
        try (TestingServer server = new TestingServer(true);
             ZkBackend first = ZkTesting.startedBroker(server.getConnectString(), 5);
             ZkBackend twin = ZkTesting.backend(server.getConnectString(), 5)) {
            twin.start();
            var e = assertThrows(java.util.concurrent.CompletionException.class, () -> twin.announceBroker(5,
                    java.util.List.of(new io.sluice.metadata.BrokerEndpoint("PLAINTEXT", "h", 1, "PLAINTEXT")), null)
                    .orElseThrow().join());
            assertTrue(e.getCause().getMessage().contains("broker.id=5"), e.getCause().getMessage());
            assertTrue(first.image().brokers().containsKey(5));
        }
    }

    @Test
    void anUnreachableEnsembleFailsStartWithAClearError() {
        int port = InstanceSpec.getRandomPort(); // nothing listens there
        ZkBackend backend = new ZkBackend(new ZkSettings("127.0.0.1:" + port + "/sluice", 4000, 500, false, 1,
                Optional.empty(), "PLAINTEXT", 30000));
        IllegalStateException e = assertThrows(IllegalStateException.class, backend::start);
        assertTrue(e.getMessage().contains("zookeeper.connection.timeout.ms"), e.getMessage());
        assertTrue(!backend.isActiveController());
    }
}
