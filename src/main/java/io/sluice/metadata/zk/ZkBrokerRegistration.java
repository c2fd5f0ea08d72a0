package io.sluice.metadata.zk;

import io.sluice.metadata.BrokerEndpoint;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jboss.logging.Logger;

/**
 * This broker's ephemeral {@code /brokers/ids/<id>} znode: created on registration and created
 * again whenever it is missing (a new session after expiry has lost it). Confined to the
 * backend's metadata thread.
 */
final class ZkBrokerRegistration {
    private static final Logger LOG = Logger.getLogger(ZkBrokerRegistration.class);

    private final CuratorFramework zk;
    private final int brokerId;
    private List<BrokerEndpoint> endpoints;
    private String rack;

    ZkBrokerRegistration(CuratorFramework zk, int brokerId) {
        this.zk = zk;
        this.brokerId = brokerId;
    }

    /** Registers with these endpoints (replacing an earlier registration of this session); returns the czxid. */
    long register(List<BrokerEndpoint> endpoints, String rack) throws Exception {
        this.endpoints = List.copyOf(endpoints);
        this.rack = rack;
        String path = ZnodePaths.brokerId(brokerId);
        Stat stat = zk.checkExists().forPath(path);
        if (stat != null && stat.getEphemeralOwner() == sessionId()) {
            zk.setData().forPath(path, data());
            return stat.getCzxid();
        }
        Long czxid = ensure();
        if (czxid == null) {
            // Kafka refuses to start in this case too: two live brokers cannot share an id. Nor do we
            // keep trying to take the id over in the background.
            this.endpoints = null;
            throw new IllegalStateException(path + " is held by another live ZooKeeper session: is another broker"
                    + " running with broker.id=" + brokerId + "?");
        }
        return czxid;
    }

    /**
     * Creates the znode if it is missing; returns its czxid, or null while another session still
     * holds it (our own expired session's znode lingers until the server expires it).
     */
    Long ensure() throws Exception {
        if (endpoints == null) {
            return null; // not registered yet: the broker registers once its listeners are bound
        }
        String path = ZnodePaths.brokerId(brokerId);
        Stat stat = zk.checkExists().forPath(path);
        if (stat == null) {
            try {
                zk.create().withMode(CreateMode.EPHEMERAL).forPath(path, data());
                stat = zk.checkExists().forPath(path);
                LOG.infof("Registered broker %d at %s", brokerId, path);
            } catch (KeeperException.NodeExistsException e) {
                stat = zk.checkExists().forPath(path);
            }
        }
        if (stat == null || stat.getEphemeralOwner() != sessionId()) {
            LOG.warnf("%s is held by another session; waiting for it to go", path);
            return null;
        }
        return stat.getCzxid();
    }

    /** Whether the broker asked to be registered (so a missing znode must be recreated). */
    boolean wanted() {
        return endpoints != null;
    }

    private byte[] data() {
        return BrokerRegistrationJson.encode(endpoints, rack, System.currentTimeMillis());
    }

    private long sessionId() throws Exception {
        return zk.getZookeeperClient().getZooKeeper().getSessionId();
    }
}
