package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Apache Kafka nodes (a distribution's {@code libs/}, e.g. /opt/kafka-4.3.1) in the same layout, for
 * measuring Sluice side by side with Kafka: the settings go into a {@code server.properties} (what
 * Kafka's image makes of the same {@code KAFKA_*} variables), storage is formatted with
 * {@code kafka.tools.StorageTool} (= {@code kafka-storage.sh format}) when the node is created, and
 * the node runs {@code kafka.Kafka}. The distribution's libs carry no SLF4J 1.x binding, so the
 * log4j2 one named by {@code slf4jBinding} is put first on the classpath (as the anchor scripts do).
 */
public final class ApacheKafkaLauncher implements NodeLauncher {
    private final Path kafkaHome;
    private final Path slf4jBinding;
    private final String heap;

    public ApacheKafkaLauncher(Path kafkaHome, Path slf4jBinding, String heap) {
        this.kafkaHome = kafkaHome;
        this.slf4jBinding = slf4jBinding;
        this.heap = heap;
    }

    @Override
    public NodeProcess create(String name, Path dir, Map<String, String> config) {
        try {
            Files.createDirectories(dir);
            Map<String, String> props = new TreeMap<>(config);
            String clusterId = props.remove("cluster.id");
            Path file = dir.resolve("server.properties");
            StringBuilder text = new StringBuilder();
            props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(file, text, StandardCharsets.ISO_8859_1);
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, String.join("\n",
                    "appender.out.type = Console", "appender.out.name = OUT",
                    "appender.out.layout.type = PatternLayout", "appender.out.layout.pattern = [%d] %p %m (%c)%n",
                    "rootLogger.level = INFO", "rootLogger.appenderRef.out.ref = OUT", ""));
            format(dir, file, clusterId);
            List<String> cmd = List.of(java(), heap, "-Dlog4j2.configurationFile=" + log4j,
                    "-cp", classpath(), "kafka.Kafka", file.toString());
            return new NodeProcess(name, cmd, Map.of(), dir.resolve("node.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void format(Path dir, Path file, String clusterId) throws IOException, InterruptedException {
        Path out = dir.resolve("format.log");
        Process p = new ProcessBuilder(java(), "-Xmx256m", "-cp", classpath(), "kafka.tools.StorageTool", "format",
                "--config", file.toString(), "--cluster-id", clusterId)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("kafka-storage format failed in " + dir + ":\n" + Files.readString(out));
        }
    }

    @Override
    public Pattern startedLine(int nodeId) {
        return Pattern.compile("Kafka Server started");
    }

    private String classpath() {
        return slf4jBinding + ":" + kafkaHome.resolve("libs") + "/*";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
