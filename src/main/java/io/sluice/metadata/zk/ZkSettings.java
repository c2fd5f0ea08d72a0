package io.sluice.metadata.zk;

import java.util.Optional;

/**
 * What the zk backend needs from the broker's configuration, under Kafka's names.
 *
 * @param connect {@code zookeeper.connect}: {@code host:port[,host:port...][/chroot]}
 * @param setAcl {@code zookeeper.set.acl}: create znodes readable by all, writable by their creator only
 * @param clusterId {@code cluster.id} if configured; it must match {@code /cluster/id} when that exists
 * @param interBrokerListenerName the listener controller-bound requests are sent to on the controller broker
 * @param controllerSocketTimeoutMs {@code controller.socket.timeout.ms}: how long such a request may take
 */
public record ZkSettings(String connect, int sessionTimeoutMs, int connectionTimeoutMs, boolean setAcl,
                         int brokerId, Optional<String> clusterId, String interBrokerListenerName,
                         int controllerSocketTimeoutMs) {

    /** The hosts part of {@link #connect()}, without the chroot. */
    public String hosts() {
        int slash = connect.indexOf('/');
        return slash < 0 ? connect : connect.substring(0, slash);
    }

    /** The chroot ({@code /sluice}), or empty for the ZooKeeper root. A trailing slash is dropped. */
    public Optional<String> chroot() {
        int slash = connect.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        String chroot = connect.substring(slash);
        while (chroot.endsWith("/")) {
            chroot = chroot.substring(0, chroot.length() - 1);
        }
        return chroot.isEmpty() ? Optional.empty() : Optional.of(chroot);
    }
}
