package io.sluice.server.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * The broker's configuration under Kafka's names and defaults, parsed and checked once at start.
 * Unknown keys are kept in {@link #originals()} (Kafka only warns about them) so that plug-ins and
 * newer settings pass through untouched.
 */
public final class BrokerConfig {
    private final Map<String, String> originals;
    private final Map<String, Object> values;
    private final List<ListenerConfig> listeners;
    private final List<ListenerConfig> advertisedListeners;
    private final Map<String, SecurityProtocol> protocolMap;
    private final MetadataMode metadataMode;

    private BrokerConfig(Map<String, String> originals) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(originals));
        this.values = BrokerConfigDef.configDef().parse(this.originals);
        this.listeners = ListenerConfig.parseList("listeners", getString("listeners"));
        String advertised = getString("advertised.listeners");
        this.advertisedListeners = advertised != null
                ? ListenerConfig.parseList("advertised.listeners", advertised)
                // Controllers are not advertised to clients, so the fallback leaves them out.
                : listeners.stream().filter(l -> !controllerListenerNames().contains(l.name())).toList();
        this.protocolMap = SecurityProtocolMap.effective(this);
        this.metadataMode = MetadataModeCheck.check(this);
        ListenerCheck.check(this);
    }

    /** Parses and validates; an invalid value throws ConfigException naming the key. */
    public static BrokerConfig fromProperties(Map<String, String> props) {
        return new BrokerConfig(props);
    }

    /** Exactly what was given, unknown keys included. */
    public Map<String, String> originals() {
        return originals;
    }

    /** True if the key was given explicitly rather than defaulted. */
    public boolean isSet(String key) {
        return originals.containsKey(key);
    }

    /** The parsed value of a known key (null when its default is null). */
    public Object get(String key) {
        if (!values.containsKey(key)) {
            throw new ConfigException("Unknown broker configuration '" + key + "'");
        }
        return values.get(key);
    }

    public String getString(String key) { return (String) get(key); }
    /** Also reads SHORT-typed keys such as offsets.topic.replication.factor. */
    public int getInt(String key) { return ((Number) get(key)).intValue(); }
    public long getLong(String key) { return ((Number) get(key)).longValue(); }
    public double getDouble(String key) { return ((Number) get(key)).doubleValue(); }
    public boolean getBoolean(String key) { return (Boolean) get(key); }
    public Password getPassword(String key) { return (Password) get(key); }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) { return (List<String>) get(key); }

    /** node.id, or broker.id when only that is set (the two are one id in Kafka). -1 if neither. */
    public int nodeId() {
        int nodeId = getInt("node.id");
        return nodeId >= 0 ? nodeId : getInt("broker.id");
    }

    public MetadataMode metadataMode() {
        return metadataMode;
    }

    public List<String> processRoles() {
        return getList("process.roles");
    }

    public Optional<String> clusterId() {
        return Optional.ofNullable(getString("cluster.id"));
    }

    /** log.dirs if set, else log.dir; comma-separated, blanks dropped. */
    public List<String> logDirs() {
        String dirs = getString("log.dirs");
        return splitCommas(dirs != null ? dirs : getString("log.dir"));
    }

    /** metadata.log.dir, or the first log directory. */
    public String metadataLogDir() {
        String dir = getString("metadata.log.dir");
        return dir != null ? dir : logDirs().get(0);
    }

    public List<ListenerConfig> listeners() {
        return listeners;
    }

    /** advertised.listeners, or the non-controller entries of listeners when unset. */
    public List<ListenerConfig> advertisedListeners() {
        return advertisedListeners;
    }

    /** controller.listener.names, upper-cased like listener names. */
    public List<String> controllerListenerNames() {
        return splitCommas(getString("controller.listener.names")).stream()
                .map(n -> n.toUpperCase(Locale.ROOT)).toList();
    }

    /** The listener other brokers connect to: inter.broker.listener.name, else the one named after security.inter.broker.protocol. */
    public String interBrokerListenerName() {
        String name = getString("inter.broker.listener.name");
        return name != null ? name : getString("security.inter.broker.protocol");
    }

    /** The effective listener → protocol map, including the implicit entries Kafka adds for controller listeners. */
    public Map<String, SecurityProtocol> listenerSecurityProtocolMap() {
        return protocolMap;
    }

    public SecurityProtocol securityProtocolFor(String listenerName) {
        SecurityProtocol protocol = protocolMap.get(listenerName);
        if (protocol == null) {
            throw new ConfigException("listener.security.protocol.map", getString("listener.security.protocol.map"),
                    "no security protocol defined for listener " + listenerName);
        }
        return protocol;
    }

    /** log.retention.ms > .minutes > .hours, in ms; any negative value means forever (-1). */
    public long retentionMs() {
        long ms = (Long) ConfigSynonyms.resolve(this, ConfigSynonyms.RETENTION_MS);
        return ms < 0 ? -1 : ms;
    }

    /** log.roll.ms > log.roll.hours, in ms. */
    public long segmentMs() {
        return (Long) ConfigSynonyms.resolve(this, ConfigSynonyms.ROLL_MS);
    }

    /** log.roll.jitter.ms > log.roll.jitter.hours, in ms. */
    public long segmentJitterMs() {
        return (Long) ConfigSynonyms.resolve(this, ConfigSynonyms.ROLL_JITTER_MS);
    }

    /** log.flush.interval.ms, or log.flush.scheduler.interval.ms when unset. */
    public long flushIntervalMs() {
        return (Long) ConfigSynonyms.resolve(this, ConfigSynonyms.FLUSH_MS);
    }

    /** zookeeper.connection.timeout.ms, or the session timeout when unset. */
    public int zookeeperConnectionTimeoutMs() {
        Integer timeout = (Integer) get("zookeeper.connection.timeout.ms");
        return timeout != null ? timeout : getInt("zookeeper.session.timeout.ms");
    }

    static List<String> splitCommas(String value) {
        if (value == null) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableList());
    }
}
