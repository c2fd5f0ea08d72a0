package io.sluice.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Gathers the raw broker properties the way Kafka and its container image do: a
 * {@code server.properties} file, overlaid by {@code KAFKA_*} environment variables.
 * Values stay strings here; {@link BrokerConfig} parses and validates them.
 */
public final class ConfigLoader {
    private static final String ENV_PREFIX = "KAFKA_";
    private static final String CLUSTER_ID_ENV = "KAFKA_CLUSTER_ID";
    /** The apache/kafka image's own name for the cluster id; {@code KAFKA_CLUSTER_ID} wins when both are set. */
    private static final String IMAGE_CLUSTER_ID_ENV = "CLUSTER_ID";
    /**
     * Settings that place the single-node default (where its data lives, which cluster it formats)
     * rather than configure a different node: given alone, they keep the default.
     */
    static final Set<String> KEEP_DEFAULT_KEYS = Set.of("log.dirs", "cluster.id");

    /** {@code KAFKA_*} variables that configure the JVM or the launch scripts, not the broker. */
    static final Set<String> NON_CONFIG_ENV = Set.of(
            "KAFKA_VERSION", "KAFKA_HOME", "KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_GC_LOG_OPTS",
            "KAFKA_LOG_DIR", "KAFKA_DEBUG");

    private ConfigLoader() {}

    /**
     * Reads the file (if any) with {@link Properties} semantics, then applies the environment on top.
     * Without a file, the single-node defaults apply so that a bare start gives a working one-node
     * cluster, as Kafka's container image does, unless the variables configure something else: only
     * {@code KAFKA_LOG_DIRS} and the cluster id keep the defaults (moving the data to a volume must not
     * turn the node into an unconfigured one); any other config variable replaces them.
     */
    public static Map<String, String> load(Optional<Path> propertiesFile, Map<String, String> env) {
        Map<String, String> fromEnv = fromEnvironment(env);
        Map<String, String> result = new LinkedHashMap<>();
        if (propertiesFile.isPresent()) {
            result.putAll(readPropertiesFile(propertiesFile.get()));
        } else if (KEEP_DEFAULT_KEYS.containsAll(fromEnv.keySet())) {
            result.putAll(singleNodeDefaults());
        }
        result.putAll(fromEnv);
        return result;
    }

    /** The container image's configuration for one node acting as broker and controller. */
    public static Map<String, String> singleNodeDefaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("node.id", "1");
        m.put("process.roles", "broker,controller");
        m.put("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093");
        m.put("advertised.listeners", "PLAINTEXT://localhost:9092");
        m.put("controller.listener.names", "CONTROLLER");
        m.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        m.put("controller.quorum.voters", "1@localhost:9093");
        m.put("log.dirs", "./data");
        m.put("offsets.topic.replication.factor", "1");
        m.put("transaction.state.log.replication.factor", "1");
        m.put("transaction.state.log.min.isr", "1");
        m.put("group.initial.rebalance.delay.ms", "0");
        return m;
    }

    /**
     * The config keys carried by {@code KAFKA_*} variables; {@code KAFKA_CLUSTER_ID} (or the image's
     * {@code CLUSTER_ID}) becomes {@code cluster.id}.
     */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> result = new LinkedHashMap<>();
        String imageClusterId = env.get(IMAGE_CLUSTER_ID_ENV);
        if (imageClusterId != null && !imageClusterId.isEmpty()) {
            result.put("cluster.id", imageClusterId);
        }
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX) || NON_CONFIG_ENV.contains(name) || value == null) {
                return;
            }
            result.put(name.equals(CLUSTER_ID_ENV) ? "cluster.id" : envNameToKey(name), value);
        });
        return result;
    }

    /**
     * The image's naming rule: strip the prefix, lowercase, then {@code ___} → {@code -},
     * {@code __} → {@code _}, {@code _} → {@code .}. Longest runs go first so that the
     * escapes for '-' and '_' survive the final '.' replacement.
     */
    static String envNameToKey(String envName) {
        String key = envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(key.length());
        int i = 0;
        while (i < key.length()) {
            if (key.startsWith("___", i)) {
                out.append('-');
                i += 3;
            } else if (key.startsWith("__", i)) {
                out.append('_');
                i += 2;
            } else if (key.charAt(i) == '_') {
                out.append('.');
                i += 1;
            } else {
                out.append(key.charAt(i++));
            }
        }
        return out.toString();
    }

    private static Map<String, String> readPropertiesFile(Path file) {
        Properties props = new Properties();
        // An InputStream, not a Reader: Kafka loads server.properties as ISO-8859-1 and backslash-u escapes.
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read broker properties " + file, e);
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            result.put(name, props.getProperty(name));
        }
        return result;
    }
}
