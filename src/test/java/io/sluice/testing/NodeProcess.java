package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node of a multi-process cluster: a JVM started from a fixed command and environment, so it
 * can be SIGKILLed, frozen (SIGSTOP) and thawed (SIGCONT), and started again on the same data. Its
 * stdout and stderr go to one log file, each life headed by a "---- start #n" line;
 * {@link #logTail()} shows the end of it when a test fails.
 */
public final class NodeProcess implements AutoCloseable {
    private static final String START_HEADER = "---- start #";
    /** Environment a child must not inherit from the test JVM: it would configure the node behind our back. */
    private static final Pattern INHERITED_CONFIG = Pattern.compile("KAFKA_.*|CLUSTER_ID|QUARKUS_.*");

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logFile;
    private Process process;
    private boolean frozen;
    private int starts;

    public NodeProcess(String name, List<String> command, Map<String, String> env, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.logFile = logFile;
    }

    public String name() {
        return name;
    }

    /** Launches the JVM; does not wait for it to be ready (see {@link #awaitLog}). */
    public synchronized NodeProcess start() {
        if (isAlive()) {
            throw new IllegalStateException(name + " already running, pid " + process.pid());
        }
        try {
            Files.createDirectories(logFile.getParent());
            starts++;
            Files.writeString(logFile, START_HEADER + starts + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE); // EOF on it ends the node: see ParentWatch
            pb.environment().keySet().removeIf(k -> INHERITED_CONFIG.matcher(k).matches());
            pb.environment().putAll(env);
            process = pb.start();
            frozen = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    /**
     * Waits until a line of the current life's log matches, and returns the match; fails with the log
     * tail when the deadline passes or the process dies first.
     */
    public Matcher awaitLog(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String line : currentLifeLines()) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m;
                }
            }
            if (!isAlive()) {
                throw new IllegalStateException(name + " exited (status " + exitStatus() + ") before logging /"
                        + pattern + "/\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not log /" + pattern + "/ within " + timeout + "\n"
                        + logTail());
            }
            Thread.sleep(20); // polling the log file: the deadline above bounds the wait
        }
    }

    /** The log lines of every life so far, oldest first (header lines included). */
    public List<String> allLines() {
        try {
            return Files.exists(logFile) ? Files.readAllLines(logFile, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log lines since the last start. */
    public List<String> currentLifeLines() {
        List<String> all = allLines();
        String header = START_HEADER + starts;
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).equals(header)) {
                return all.subList(i + 1, all.size());
            }
        }
        return List.of();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isFrozen() {
        return frozen && isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    /** SIGKILL, then wait until the process is gone; a SIGKILL exit status is 137. */
    public synchronized void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Linux, also ends a stopped process
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
        }
        if (process.exitValue() != 137) {
            throw new IllegalStateException("expected exit status 137 (SIGKILL) from " + name + ", got "
                    + process.exitValue() + "\n" + logTail());
        }
        process = null;
        frozen = false;
    }

    /** SIGTERM (a clean shutdown), then wait until the process is gone. */
    public synchronized void stop(Duration timeout) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") did not stop within " + timeout
                    + " of SIGTERM\n" + logTail());
        }
        process = null;
        frozen = false;
    }

    /** SIGSTOP: the JVM stops where it is, its sockets stay open; returns once the kernel shows it stopped. */
    public synchronized void freeze() throws Exception {
        signal("STOP");
        frozen = true;
        awaitState('T', true);
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() throws Exception {
        signal("CONT");
        frozen = false;
        awaitState('T', false);
    }

    private void signal(String signal) throws Exception {
        long pid = pid();
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Polls /proc/pid/stat until the process state is (or is no longer) the given letter. */
    private void awaitState(char state, boolean expected) throws Exception {
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            String s = Files.readString(stat);
            // "pid (comm) S ...": the state follows the last ')' (comm may hold spaces and parentheses)
            char current = s.charAt(s.lastIndexOf(')') + 2);
            if ((current == state) == expected) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is in state " + current + ", expected "
                        + (expected ? "" : "not ") + state);
            }
            Thread.sleep(5);
        }
    }

    private String exitStatus() {
        Process p = process;
        return p == null || p.isAlive() ? "?" : Integer.toString(p.exitValue());
    }

    /** The last lines this node logged, headed by its name. */
    public String logTail() {
        List<String> lines = allLines();
        return "---- " + name + ": last lines of " + logFile + "\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
            process = null;
        }
    }
}
