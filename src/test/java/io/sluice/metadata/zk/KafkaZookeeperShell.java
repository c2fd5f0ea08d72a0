package io.sluice.metadata.zk;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apache Kafka 3.9.1's {@code zookeeper-shell}, run as a process: {@code bin/zookeeper-shell.sh} when
 * the distribution has its scripts, else the class that script runs, over the distribution's jars
 * ({@code ../shared/anchor/install-kafka.sh 3.9.1} installs only {@code libs/}).
 */
final class KafkaZookeeperShell {
    static final Path HOME = Path.of("/opt/kafka-3.9.1");
    private static final String MAIN = "org.apache.zookeeper.ZooKeeperMainWithTlsSupportForKafka";

    private KafkaZookeeperShell() {}

    static boolean installed() {
        return Files.isRegularFile(HOME.resolve("bin/zookeeper-shell.sh"))
                || Files.isRegularFile(HOME.resolve("libs/kafka_2.13-3.9.1.jar"));
    }

    /**
     * Runs {@code zookeeper-shell.sh server command args} and returns its last output line: the
     * znode's data for {@code get}, the children for {@code ls}. Fails on what the shell says on stderr
     * about a missing znode, so a wrong path never passes as empty data.
     */
    static String run(String server, String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        Path script = HOME.resolve("bin/zookeeper-shell.sh");
        if (Files.isRegularFile(script)) {
            cmd.add(script.toString());
            cmd.add(server);
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx128m");
            cmd.add("-cp");
            cmd.add(HOME.resolve("libs") + "/*");
            cmd.add(MAIN);
            cmd.add("-server");
            cmd.add(server);
        }
        cmd.addAll(List.of(command));
        Path out = Files.createTempFile("zookeeper-shell", ".out");
        Path err = Files.createTempFile("zookeeper-shell", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("zookeeper-shell did not finish in 60 s: " + cmd);
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            if (p.exitValue() != 0 || stderr.contains("Node does not exist") || stderr.contains("Exception")) {
                throw new IllegalStateException("zookeeper-shell " + String.join(" ", command) + " exited "
                        + p.exitValue() + ":\n" + stderr);
            }
            // The shell's watcher prints "WATCHER::" and "WatchedEvent state:SyncConnected ..." from its event
            // thread, which on a loaded machine may come after the command's answer: they are not part of it.
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("WatchedEvent ") && !l.startsWith("WATCHER::")).toList();
            if (lines.isEmpty()) {
                throw new IllegalStateException("zookeeper-shell " + String.join(" ", command) + " printed nothing");
            }
            return lines.get(lines.size() - 1);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
