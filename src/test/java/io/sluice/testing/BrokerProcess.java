package io.sluice.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A broker in a separate JVM ({@link BrokerProcessMain}) on a fixed port and data dir, so a test
 * can SIGKILL it and start a new process on the same port and data. Its stderr (logs) goes to a
 * file next to the data dir; {@link #logTail()} shows it when an assertion fails.
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final List<String> extraProps;
    private Process process;
    private int starts;

    public BrokerProcess(Path workDir, int port, List<String> extraProps) {
        this.dataDir = workDir.resolve("data");
        this.logFile = workDir.resolve("broker.log");
        this.port = port;
        this.extraProps = List.copyOf(extraProps);
    }

    /** A port that was free a moment ago; the broker binds it with SO_REUSEADDR on every start. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** Starts a new JVM and waits (up to the timeout) until it prints its bound port. */
    public BrokerProcess start(long timeoutMs) throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running, pid " + process.pid());
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        String logManager = System.getProperty("java.util.logging.manager");
        if (logManager != null) {
            cmd.add("-Djava.util.logging.manager=" + logManager);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BrokerProcessMain.class.getName());
        cmd.add(Integer.toString(port));
        cmd.add(dataDir.toString());
        cmd.addAll(extraProps);
        starts++;
        Files.writeString(logFile, "---- start #" + starts + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        process = p;
        CompletableFuture<Integer> bound = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(BrokerProcessMain.PORT_LINE_PREFIX)) {
                        bound.complete(Integer.parseInt(line.substring(BrokerProcessMain.PORT_LINE_PREFIX.length()).trim()));
                    }
                }
            } catch (IOException ignored) {
                // the process died; onExit below reports it
            }
            bound.completeExceptionally(new IllegalStateException("broker process exited before printing its port"));
        }, "broker-process-stdout-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            int actual = bound.get(timeoutMs, TimeUnit.MILLISECONDS);
            if (actual != port) {
                throw new IllegalStateException("broker bound " + actual + ", expected " + port);
            }
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException("broker process did not start: " + e.getMessage() + "\n" + logTail(), e);
        }
        return this;
    }

    /** SIGKILL (Process.destroyForcibly on Linux) and wait until the process is gone. */
    public void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("pid " + process.pid() + " survived SIGKILL");
        }
        int exit = process.exitValue();
        if (exit != 137) {
            throw new IllegalStateException("expected exit status 137 (SIGKILL) from pid " + process.pid() + ", got " + exit);
        }
        process = null;
    }

    /** SIGTERM: the broker's shutdown hook closes it cleanly; waits until the process is gone. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("pid " + process.pid() + " did not stop within 30 s of SIGTERM\n" + logTail());
        }
        process = null;
        String log;
        try {
            log = Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String lastLife = log.substring(log.lastIndexOf("---- start #"));
        if (!lastLife.contains(BrokerProcessMain.CLEAN_STOP_LINE)) {
            throw new IllegalStateException("the broker did not log a clean stop after SIGTERM:\n" + logTail());
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The last lines the broker processes logged. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
            process = null;
        }
    }
}
