package io.sluice.metadata.zk;

import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataImage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/** Helpers for the zk backend tests: backends on a real ZooKeeper, polling with deadlines. */
final class ZkTesting {
    static final String CHROOT = "/sluice";
    /**
     * Plain JUnit tests run without Quarkus's logging config: quiet ZooKeeper's reconnect chatter
     * (the fault tests cause plenty) as application.properties does. Held so it is not collected.
     */
    private static final java.util.logging.Logger ZOOKEEPER_LOG = java.util.logging.Logger.getLogger("org.apache.zookeeper");

    static {
        ZOOKEEPER_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private ZkTesting() {}

    static ZkBackend backend(String connect, int brokerId) {
        return new ZkBackend(new ZkSettings(connect + CHROOT, 4000, 3000, false, brokerId, Optional.empty(), "PLAINTEXT", 30000));
    }

    /** A started backend with its broker registered, as a broker does once its listeners are bound. */
    static ZkBackend startedBroker(String connect, int brokerId) {
        ZkBackend backend = backend(connect, brokerId);
        backend.start();
        backend.announceBroker(brokerId, List.of(new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9090 + brokerId, "PLAINTEXT")), null)
                .orElseThrow().join();
        return backend;
    }

    /** A plain client rooted at the chroot, to look at the znodes as another tool would. */
    static CuratorFramework rawClient(String connect) {
        CuratorFramework client = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(4000)
                .connectionTimeoutMs(3000).retryPolicy(new RetryOneTime(100)).namespace(CHROOT.substring(1)).build();
        client.start();
        return client;
    }

    /** Polls until the condition holds; a condition that throws (state not there yet) counts as not yet. */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                fail("Timed out after " + timeout + " waiting for: " + what + (last == null ? "" : " (last: " + last + ")"));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** The image content two brokers must agree on (offsets and the counting differ per broker). */
    static MetadataImage content(MetadataImage image) {
        return new MetadataImage(image.clusterId(), image.controllerId(), 0, image.topics(), image.topicsById(),
                image.brokers(), image.brokerConfigs(), image.brokerConfigsById(), image.nextProducerId());
    }
}
