package io.sluice.server.config;

import org.apache.kafka.common.config.ConfigException;

/** Cross-key listener rules Kafka enforces at start; each failure names the key to fix. */
final class ListenerCheck {
    private ListenerCheck() {}

    static void check(BrokerConfig c) {
        for (ListenerConfig l : c.listeners()) {
            if (!c.listenerSecurityProtocolMap().containsKey(l.name())) {
                throw new ConfigException("listeners", c.getString("listeners"),
                        "listener " + l.name() + " has no entry in listener.security.protocol.map");
            }
        }
        for (ListenerConfig l : c.advertisedListeners()) {
            if (!c.listenerSecurityProtocolMap().containsKey(l.name())) {
                throw new ConfigException("advertised.listeners", c.getString("advertised.listeners"),
                        "listener " + l.name() + " has no entry in listener.security.protocol.map");
            }
        }
        if (c.isSet("inter.broker.listener.name") && c.isSet("security.inter.broker.protocol")) {
            throw new ConfigException("inter.broker.listener.name", c.getString("inter.broker.listener.name"),
                    "cannot be set together with security.inter.broker.protocol");
        }
        if (servesClients(c)) {
            String name = c.interBrokerListenerName();
            boolean advertised = c.advertisedListeners().stream().anyMatch(l -> l.name().equals(name));
            if (!advertised) {
                throw new ConfigException("inter.broker.listener.name", name,
                        "must be one of the advertised listeners (set it, or security.inter.broker.protocol)");
            }
        }
    }

    /** Brokers (zk mode or the kraft broker role) need a listener that other brokers can reach. */
    private static boolean servesClients(BrokerConfig c) {
        return c.processRoles().isEmpty() || c.processRoles().contains("broker");
    }
}
