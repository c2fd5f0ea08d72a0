package io.sluice.metadata.zk;

import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Deletes the change notifications under {@code /config/changes} once they are older than Kafka's
 * 15 minutes, as Kafka's zk-mode brokers do, so the znode does not grow with every config change
 * ever made. A notification only tells watchers to re-read an entity's config; a broker that missed
 * one for 15 minutes re-reads everything anyway (ours always do).
 */
final class ZkConfigChangePurger {
    /** Kafka's notification expiry in zk mode. */
    static final long EXPIRATION_MS = TimeUnit.MINUTES.toMillis(15);

    private final CuratorFramework zk;
    private final long expirationMs;

    ZkConfigChangePurger(CuratorFramework zk, long expirationMs) {
        this.zk = zk;
        this.expirationMs = expirationMs;
    }

    /** Deletes the notifications created more than the expiration before {@code nowMs}; returns how many. */
    int purge(long nowMs) throws Exception {
        int deleted = 0;
        for (String child : zk.getChildren().forPath(ZnodePaths.CONFIG_CHANGES)) {
            String path = ZnodePaths.CONFIG_CHANGES + "/" + child;
            if (!path.startsWith(ZnodePaths.CONFIG_CHANGE_PREFIX)) {
                continue;
            }
            Stat stat = zk.checkExists().forPath(path);
            if (stat != null && nowMs - stat.getCtime() > expirationMs) {
                try {
                    zk.delete().withVersion(stat.getVersion()).forPath(path);
                    deleted++;
                } catch (KeeperException.NoNodeException e) {
                    // purged concurrently (another broker, or a deposed controller finishing): the same end state
                }
            }
        }
        return deleted;
    }
}
