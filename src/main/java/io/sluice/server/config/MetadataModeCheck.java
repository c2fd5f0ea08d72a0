package io.sluice.server.config;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/** Decides the metadata mode and enforces the keys each mode cannot do without. */
final class MetadataModeCheck {
    private static final Pattern VOTER = Pattern.compile("^\\d+@(\\[[0-9A-Fa-f:.%]+]|[^:\\[\\]@]+):\\d+$");
    private static final Pattern BOOTSTRAP_SERVER = Pattern.compile("^(\\[[0-9A-Fa-f:.%]+]|[^:\\[\\]@]+):\\d+$");

    private MetadataModeCheck() {}

    static MetadataMode check(BrokerConfig c) {
        boolean hasRoles = !c.processRoles().isEmpty();
        boolean hasZk = c.getString("zookeeper.connect") != null;
        boolean migration = c.getBoolean("zookeeper.metadata.migration.enable");
        if (migration && !hasZk) {
            throw new ConfigException("zookeeper.connect", null,
                    "is required when zookeeper.metadata.migration.enable=true");
        }
        if (hasRoles && hasZk && !migration) {
            throw new ConfigException("process.roles", c.originals().get("process.roles"),
                    "cannot be combined with zookeeper.connect unless zookeeper.metadata.migration.enable=true");
        }
        if (!hasRoles && !hasZk) {
            throw new ConfigException("process.roles", "",
                    "must be set for kraft mode, or zookeeper.connect for zk mode");
        }
        if (migration) {
            // Migrating zk brokers keep their broker.id but must already reach the kraft quorum.
            if (hasRoles) {
                requireNodeId(c);
            } else {
                requireZkBrokerId(c);
            }
            requireQuorum(c);
            return MetadataMode.MIGRATION;
        }
        if (hasZk) {
            requireZkBrokerId(c);
            return MetadataMode.ZK;
        }
        requireNodeId(c);
        requireQuorum(c);
        requireControllerListenerBound(c);
        return MetadataMode.KRAFT;
    }

    private static void requireNodeId(BrokerConfig c) {
        int nodeId = c.getInt("node.id");
        int brokerId = c.getInt("broker.id");
        if (nodeId >= 0 && brokerId >= 0 && nodeId != brokerId) {
            throw new ConfigException("broker.id", brokerId, "must equal node.id (" + nodeId + ") when both are set");
        }
        if (c.nodeId() < 0) {
            throw new ConfigException("node.id", nodeId, "must be set to a non-negative id in kraft mode");
        }
    }

    private static void requireZkBrokerId(BrokerConfig c) {
        if (c.nodeId() < 0) {
            throw new ConfigException("broker.id", c.getInt("broker.id"),
                    "must be set to a non-negative id in zk mode; automatic broker id generation is not supported");
        }
    }

    private static void requireQuorum(BrokerConfig c) {
        List<String> voters = c.getList("controller.quorum.voters");
        List<String> bootstrap = c.getList("controller.quorum.bootstrap.servers");
        if (voters.isEmpty() && bootstrap.isEmpty()) {
            throw new ConfigException("controller.quorum.voters", "",
                    "either controller.quorum.voters or controller.quorum.bootstrap.servers must be set");
        }
        for (String server : bootstrap) {
            if (!BOOTSTRAP_SERVER.matcher(server.trim()).matches()) {
                throw new ConfigException("controller.quorum.bootstrap.servers", String.join(",", bootstrap),
                        "entry '" + server + "' is not of the form host:port");
            }
        }
        for (String voter : voters) {
            if (!VOTER.matcher(voter).matches()) {
                throw new ConfigException("controller.quorum.voters", String.join(",", voters),
                        "entry '" + voter + "' is not of the form id@host:port");
            }
        }
        if (c.controllerListenerNames().isEmpty()) {
            throw new ConfigException("controller.listener.names", null, "is required in kraft mode");
        }
    }

    /** A controller must listen on its first controller listener, or no voter can reach it. */
    private static void requireControllerListenerBound(BrokerConfig c) {
        if (!c.processRoles().contains("controller")) {
            return;
        }
        String first = c.controllerListenerNames().get(0);
        boolean bound = c.listeners().stream().anyMatch(l -> l.name().equals(first));
        if (!bound) {
            throw new ConfigException("controller.listener.names", c.getString("controller.listener.names"),
                    "the controller role needs listener " + first + " in listeners");
        }
    }
}
