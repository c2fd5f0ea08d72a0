package io.sluice.metadata.zk;

import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.Uuid;
import org.apache.zookeeper.KeeperException;

/** Prepares the ensemble on start: the chroot, Kafka's persistent znodes and {@code /cluster/id}. */
final class ZkLayout {
    private ZkLayout() {}

    /** Creates the chroot if missing (Kafka does too) and returns a client rooted there. */
    static CuratorFramework ensureChroot(CuratorFramework client, Optional<String> chroot) throws Exception {
        if (chroot.isEmpty()) {
            return client;
        }
        createIfMissing(client, chroot.get());
        return client.usingNamespace(chroot.get().substring(1));
    }

    static void ensurePersistentPaths(CuratorFramework zk) throws Exception {
        for (String path : ZnodePaths.PERSISTENT) {
            createIfMissing(zk, path);
        }
    }

    /**
     * Reads {@code /cluster/id}, creating it (from {@code cluster.id} or a new random id) on the
     * first broker; a configured id that differs from the ensemble's is refused, as joining the
     * wrong cluster would mix two clusters' metadata.
     */
    static String ensureClusterId(CuratorFramework zk, Optional<String> configured) throws Exception {
        String id = configured.orElseGet(() -> Uuid.randomUuid().toString());
        try {
            zk.create().creatingParentsIfNeeded().forPath(ZnodePaths.CLUSTER_ID, SmallZnodesJson.clusterId(id));
        } catch (KeeperException.NodeExistsException e) {
            id = SmallZnodesJson.decodeClusterId(zk.getData().forPath(ZnodePaths.CLUSTER_ID));
        }
        if (configured.isPresent() && !configured.get().equals(id)) {
            throw new IllegalStateException("cluster.id " + configured.get() + " does not match the cluster id " + id
                    + " stored in ZooKeeper at " + ZnodePaths.CLUSTER_ID);
        }
        return id;
    }

    private static void createIfMissing(CuratorFramework zk, String path) throws Exception {
        try {
            zk.create().creatingParentsIfNeeded().forPath(path);
        } catch (KeeperException.NodeExistsException e) {
            // Already there: exactly what we wanted.
        }
    }
}
