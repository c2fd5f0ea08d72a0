package io.sluice.metadata.zk;

import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Producer id blocks taken straight from {@code /latest_producer_id_block}, as Kafka's
 * ZooKeeper-mode brokers do: read the last block, write the next one conditioned on the znode
 * version just read, and start over if another broker got there first. So every broker, not only
 * the controller, can hand out producer ids, and no two brokers ever get overlapping blocks.
 * Confined to the backend's metadata thread.
 */
final class ZkProducerIdBlocks {
    private final CuratorFramework zk;

    ZkProducerIdBlocks(CuratorFramework zk) {
        this.zk = zk;
    }

    /** Reserves {@code blockSize} ids for {@code brokerId}; returns the first one. */
    long allocate(int brokerId, int blockSize) throws Exception {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("Producer id block size must be positive, was " + blockSize);
        }
        while (true) {
            Stat stat = new Stat();
            byte[] current = readOrNull(stat);
            long start = SmallZnodesJson.decodeNextProducerId(current);
            if (start > Long.MAX_VALUE - blockSize) {
                throw new UnknownServerException("Exhausted all producer ids.");
            }
            byte[] next = SmallZnodesJson.producerIdBlock(brokerId, start, start + blockSize - 1);
            try {
                if (current == null) {
                    zk.create().forPath(ZnodePaths.LATEST_PRODUCER_ID_BLOCK, next);
                } else {
                    zk.setData().withVersion(stat.getVersion()).forPath(ZnodePaths.LATEST_PRODUCER_ID_BLOCK, next);
                }
                return start;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException e) {
                // Another broker took a block between our read and our write: read its block and go on from there.
            }
        }
    }

    private byte[] readOrNull(Stat stat) throws Exception {
        try {
            return zk.getData().storingStatIn(stat).forPath(ZnodePaths.LATEST_PRODUCER_ID_BLOCK);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }
}
