package io.sluice.server.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/** Parses listener.security.protocol.map (NAME:PROTOCOL,...) into the map the broker uses. */
final class SecurityProtocolMap {
    private static final String KEY = "listener.security.protocol.map";

    private SecurityProtocolMap() {}

    /**
     * The configured map, plus — as Kafka does in kraft mode when the map was not given explicitly —
     * each controller listener mapped to the protocol of the same name, or PLAINTEXT. Without this a
     * kraft config that only renames the controller listener would not start.
     */
    static Map<String, SecurityProtocol> effective(BrokerConfig config) {
        Map<String, SecurityProtocol> map = parse(config.getString(KEY));
        if (!config.isSet(KEY) && !config.processRoles().isEmpty()) {
            for (String name : config.controllerListenerNames()) {
                map.putIfAbsent(name, protocolNamedOrPlaintext(name));
            }
        }
        return Map.copyOf(map);
    }

    static Map<String, SecurityProtocol> parse(String value) {
        Map<String, SecurityProtocol> map = new LinkedHashMap<>();
        for (String entry : BrokerConfig.splitCommas(value)) {
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new ConfigException(KEY, value, "entry '" + entry + "' is not of the form NAME:PROTOCOL");
            }
            String name = entry.substring(0, colon).trim().toUpperCase(Locale.ROOT);
            String protocol = entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (!SecurityProtocol.names().contains(protocol)) {
                throw new ConfigException(KEY, value, "unknown security protocol " + protocol + " for listener " + name);
            }
            if (map.put(name, SecurityProtocol.forName(protocol)) != null) {
                throw new ConfigException(KEY, value, "listener " + name + " is mapped more than once");
            }
        }
        return map;
    }

    private static SecurityProtocol protocolNamedOrPlaintext(String listenerName) {
        return SecurityProtocol.names().contains(listenerName)
                ? SecurityProtocol.forName(listenerName) : SecurityProtocol.PLAINTEXT;
    }
}
