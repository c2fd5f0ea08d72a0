package io.sluice.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * One {@code NAME://host:port} entry of {@code listeners} or {@code advertised.listeners}.
 * An empty or null host means all interfaces; the name is upper-cased as Kafka normalises it.
 */
public record ListenerConfig(String name, String host, int port) {
    // Host is either a bracketed IPv6 literal or anything without ':' and brackets (names, IPv4).
    private static final Pattern URI = Pattern.compile("^([A-Za-z0-9_\\-.]+)://(\\[[0-9A-Fa-f:.%\\w]*]|[^:\\[\\]/]*):(-?\\d+)$");

    public boolean bindsAllInterfaces() {
        return host == null || host.isEmpty();
    }

    /** Parses a comma-separated listener list; errors name {@code configKey}. Names must be unique. */
    public static List<ListenerConfig> parseList(String configKey, String value) {
        List<ListenerConfig> result = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return result;
        }
        Set<String> names = new HashSet<>();
        for (String entry : value.split(",")) {
            ListenerConfig listener = parse(configKey, value, entry.trim());
            if (!names.add(listener.name())) {
                throw new ConfigException(configKey, value, "listener name " + listener.name() + " appears more than once");
            }
            result.add(listener);
        }
        return result;
    }

    private static ListenerConfig parse(String configKey, String wholeValue, String entry) {
        Matcher m = URI.matcher(entry);
        if (!m.matches()) {
            throw new ConfigException(configKey, wholeValue, "'" + entry + "' is not of the form NAME://host:port");
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(m.group(3));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(configKey, wholeValue, "port of '" + entry + "' must be between 0 and 65535");
        }
        return new ListenerConfig(m.group(1).toUpperCase(Locale.ROOT), host, port);
    }
}
