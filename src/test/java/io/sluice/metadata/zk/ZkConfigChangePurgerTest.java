package io.sluice.metadata.zk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;

/** /config/changes notifications older than the expiration are deleted; younger ones and other znodes stay. */
class ZkConfigChangePurgerTest {
    @Test
    void deletesOnlyNotificationsPastTheExpiration() throws Exception {
        try (TestingServer server = new TestingServer(true);
             var zk = ZkTesting.rawClient(server.getConnectString())) {
            zk.create().creatingParentsIfNeeded().forPath(ZnodePaths.CONFIG_CHANGES);
            for (int i = 0; i < 3; i++) {
                zk.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(ZnodePaths.CONFIG_CHANGE_PREFIX,
                        EntityConfigJson.changeNotification("topics/t" + i));
            }
            zk.create().forPath(ZnodePaths.CONFIG_CHANGES + "/not-a-notification");
            var ctimes = zk.getChildren().forPath(ZnodePaths.CONFIG_CHANGES).stream()
                    .filter(c -> c.startsWith("config_change_"))
                    .mapToLong(c -> {
                        try {
                            return zk.checkExists().forPath(ZnodePaths.CONFIG_CHANGES + "/" + c).getCtime();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }).summaryStatistics();
            long oldest = ctimes.getMin();
            long newest = ctimes.getMax();

            ZkConfigChangePurger purger = new ZkConfigChangePurger(zk, ZkConfigChangePurger.EXPIRATION_MS);
            // Within Kafka's 15 minutes nothing goes...
            assertEquals(0, purger.purge(oldest + ZkConfigChangePurger.EXPIRATION_MS));
            assertEquals(4, zk.getChildren().forPath(ZnodePaths.CONFIG_CHANGES).size());
            // ...past them every notification goes, and nothing else.
            assertEquals(3, purger.purge(newest + ZkConfigChangePurger.EXPIRATION_MS + 1));
            assertEquals(List.of("not-a-notification"), zk.getChildren().forPath(ZnodePaths.CONFIG_CHANGES));
        }
    }
}
