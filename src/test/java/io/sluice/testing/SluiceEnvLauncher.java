package io.sluice.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sluice nodes configured like containers of Kafka's image: every setting becomes a {@code KAFKA_*}
 * environment variable ({@code cluster.id} becomes the image's {@code CLUSTER_ID}), plus a free
 * {@code QUARKUS_MANAGEMENT_PORT}; no properties file. The JVM runs {@link ClusterNodeMain} from the
 * test classpath, or, with {@code -Dsluice.cluster.jar=target/quarkus-app/quarkus-run.jar}, the
 * packaged application's {@code serve} command.
 */
public final class SluiceEnvLauncher implements NodeLauncher {
    @Override
    public NodeProcess create(String name, Path dir, Map<String, String> config) {
        Map<String, String> env = new LinkedHashMap<>();
        config.forEach((key, value) -> env.put(key.equals("cluster.id") ? "CLUSTER_ID" : envName(key), value));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(BrokerProcess.freePort()));
        return new NodeProcess(name, command(List.of()), env, dir.resolve("node.log"));
    }

    @Override
    public Pattern startedLine(int nodeId) {
        return Pattern.compile("Sluice node " + nodeId + " started in");
    }

    /** Kafka's image rule, inverted: '_' → '__', '-' → '___', '.' → '_', upper case, KAFKA_ prefix. */
    static String envName(String key) {
        return "KAFKA_" + key.replace("_", "__").replace("-", "___").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * The JVM command of one Sluice node; {@code args} go to {@code serve} (or {@link ClusterNodeMain}),
     * such as the path of a properties file.
     */
    public static List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(System.getProperty("sluice.cluster.heap", "-Xmx256m"));
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        String jar = System.getProperty("sluice.cluster.jar");
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(Path.of(jar).toAbsolutePath().toString());
            cmd.add("serve");
            cmd.addAll(args);
            return cmd;
        }
        // Plain JUL (not the test JVM's JBoss LogManager, which logs nothing without Quarkus's
        // configuration): one line per record with milliseconds, on stderr.
        cmd.add("-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s [%2$s] %5$s%6$s%n");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ClusterNodeMain.class.getName());
        cmd.addAll(args);
        return cmd;
    }
}
