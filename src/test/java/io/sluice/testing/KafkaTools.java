package io.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Apache Kafka's own command-line tools (kafka-tools 4.3.1) in a separate JVM whose classpath
 * holds Kafka's jars only (kafka-streams 4.3.1 too, for a Streams app in its own JVM). Maven
 * resolves that classpath once from
 * {@code src/test/resources/kafka-tools/pom.xml} (offline first, then online) into
 * {@code target/kafka-tools/classpath.txt}.
 */
public final class KafkaTools {
    private static final Path DIR = Path.of("target", "kafka-tools").toAbsolutePath();
    private static String classpath;

    private KafkaTools() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
        public String all() {
            return stdout + "\n" + stderr;
        }
    }

    /** Runs {@code mainClass args} with the Kafka tools classpath; fails after the timeout. */
    public static Result run(String mainClass, List<String> args, long timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(classpath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return exec(cmd, DIR, timeoutSeconds);
    }

    /**
     * The first sign of trouble in a DumpLogSegments run (its words for a bad index, a CRC or
     * offset mismatch, an exception), or null when there is none. slf4j's note that it has no
     * binding is not trouble.
     */
    public static String trouble(Result result) {
        String all = result.all().lines().filter(l -> !l.startsWith("SLF4J: ")).reduce("", (a, b) -> a + b + "\n");
        for (String bad : List.of("Exception", "mismatch", "Mismatch", "corrupt", "Corrupt", "error", "Error",
                "not a valid", "not found", "out of order", "failed", "Failed", "isvalid: false")) {
            if (all.contains(bad)) {
                return "\"" + bad + "\" in the output:\n" + all;
            }
        }
        return null;
    }

    /** Resolves (once per JVM) and returns the Kafka tools classpath; slow the first time on a fresh machine. */
    public static synchronized String classpath() throws Exception {
        if (classpath != null) {
            return classpath;
        }
        Files.createDirectories(DIR);
        Path pom = DIR.resolve("pom.xml");
        try (InputStream in = KafkaTools.class.getResourceAsStream("/kafka-tools/pom.xml")) {
            if (in == null) {
                throw new IllegalStateException("kafka-tools/pom.xml is not on the test classpath");
            }
            Files.copy(in, pom, StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = DIR.resolve("classpath.txt");
        if (!usable(out)) {
            Result offline = mvn(pom, out, true);
            if (offline.exitCode() != 0 || !usable(out)) {
                Result online = mvn(pom, out, false);
                if (online.exitCode() != 0 || !usable(out)) {
                    throw new IllegalStateException("could not resolve the Kafka tools classpath:\n" + offline.all() + "\n" + online.all());
                }
            }
        }
        classpath = Files.readString(out, StandardCharsets.UTF_8).trim();
        return classpath;
    }

    private static boolean usable(Path classpathFile) throws IOException {
        if (!Files.isRegularFile(classpathFile)) {
            return false;
        }
        String cp = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
        if (!cp.contains("kafka-tools-") || !cp.contains("kafka-streams-")) {
            return false;
        }
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (!Files.isRegularFile(Path.of(entry))) {
                return false;
            }
        }
        return true;
    }

    private static Result mvn(Path pom, Path out, boolean offline) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getenv().getOrDefault("SLUICE_MVN", "mvn"));
        cmd.add("-B");
        cmd.add("-q");
        if (offline) {
            cmd.add("-o");
        }
        cmd.add("-f");
        cmd.add(pom.toString());
        cmd.add("dependency:build-classpath");
        cmd.add("-Dmdep.outputFile=" + out);
        return exec(cmd, DIR, 300);
    }

    private static Result exec(List<String> cmd, Path dir, long timeoutSeconds) throws Exception {
        Path stdout = Files.createTempFile(DIR, "out", ".txt");
        Path stderr = Files.createTempFile(DIR, "err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + cmd.get(cmd.size() - 1)
                        + "\n" + Files.readString(stderr, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
