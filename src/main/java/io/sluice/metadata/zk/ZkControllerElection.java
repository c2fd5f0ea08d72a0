package io.sluice.metadata.zk;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Kafka's controller election: whoever creates the ephemeral {@code /controller} znode is the
 * controller, and in the same transaction bumps {@code /controller_epoch}. The epoch znode's
 * version after that bump is the fence: every later controller write checks it, so once someone
 * else wins (and bumps it again) the old controller's writes fail in ZooKeeper itself, even if
 * the old controller has not noticed yet.
 *
 * <p>Confined to the backend's metadata thread, except {@link #isElected()} and {@link #lost()}.
 */
final class ZkControllerElection {
    private static final Logger LOG = Logger.getLogger(ZkControllerElection.class);

    private final CuratorFramework zk;
    private final int brokerId;
    private volatile boolean elected;
    private int epoch;
    private int epochZkVersion;

    ZkControllerElection(CuratorFramework zk, int brokerId) {
        this.zk = zk;
        this.brokerId = brokerId;
    }

    /**
     * Becomes the controller if there is none; if there is one, notes whether it is still us
     * (an expired session loses {@code /controller} without this node being told directly).
     */
    void run() throws Exception {
        long session = zk.getZookeeperClient().getZooKeeper().getSessionId();
        Stat controller = zk.checkExists().forPath(ZnodePaths.CONTROLLER);
        if (controller != null) {
            if (controller.getEphemeralOwner() != session && elected) {
                LOG.infof("Broker %d is no longer the controller (epoch %d)", brokerId, epoch);
                elected = false;
            }
            return;
        }
        elected = false;
        Stat epochStat = new Stat();
        byte[] epochData;
        try {
            epochData = zk.getData().storingStatIn(epochStat).forPath(ZnodePaths.CONTROLLER_EPOCH);
        } catch (KeeperException.NoNodeException e) {
            createEpochZnode();
            epochData = zk.getData().storingStatIn(epochStat).forPath(ZnodePaths.CONTROLLER_EPOCH);
        }
        int nextEpoch = SmallZnodesJson.decodeControllerEpoch(epochData) + 1;
        try {
            List<CuratorTransactionResult> results = zk.transaction().forOperations(
                    zk.transactionOp().create().withMode(CreateMode.EPHEMERAL)
                            .forPath(ZnodePaths.CONTROLLER, SmallZnodesJson.controller(brokerId, System.currentTimeMillis())),
                    zk.transactionOp().setData().withVersion(epochStat.getVersion())
                            .forPath(ZnodePaths.CONTROLLER_EPOCH, SmallZnodesJson.controllerEpoch(nextEpoch)));
            epoch = nextEpoch;
            epochZkVersion = results.get(1).getResultStat().getVersion();
            elected = true;
            LOG.infof("Broker %d is the controller (epoch %d)", brokerId, epoch);
        } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
            // Another broker won this round; its /controller znode is now there for us to watch.
            LOG.debugf("Broker %d lost the controller election: %s", brokerId, e.code());
        }
    }

    private void createEpochZnode() throws Exception {
        try {
            zk.create().forPath(ZnodePaths.CONTROLLER_EPOCH, SmallZnodesJson.controllerEpoch(0));
        } catch (KeeperException.NodeExistsException e) {
            // Created concurrently by another broker: the same state we wanted.
        }
    }

    boolean isElected() {
        return elected;
    }

    /** The session that held {@code /controller} is gone: this node is no longer the controller. */
    void lost() {
        elected = false;
    }

    int epoch() {
        return epoch;
    }

    /** The {@code /controller_epoch} znode version every write of this controller checks. */
    int epochZkVersion() {
        return epochZkVersion;
    }
}
