package io.sluice.server.config;

import java.util.List;
import java.util.Map;

/**
 * The broker's configuration under Kafka's names and defaults. SKELETON: the signatures are the
 * contract other packages code against; the config helper fills in the implementation.
 */
public final class BrokerConfig {
    /** Parses and validates; an invalid value throws ConfigException naming the key. */
    public static BrokerConfig fromProperties(Map<String, String> props) {
        throw new UnsupportedOperationException("not yet");
    }

    public Map<String, String> originals() { throw new UnsupportedOperationException(); }
    public String getString(String key) { throw new UnsupportedOperationException(); }
    public int getInt(String key) { throw new UnsupportedOperationException(); }
    public long getLong(String key) { throw new UnsupportedOperationException(); }
    public boolean getBoolean(String key) { throw new UnsupportedOperationException(); }
    public List<String> getList(String key) { throw new UnsupportedOperationException(); }
    public int nodeId() { throw new UnsupportedOperationException(); }
    public List<String> logDirs() { throw new UnsupportedOperationException(); }
}
