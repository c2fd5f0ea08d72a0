package io.sluice.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A single-node broker in a separate JVM ({@link BrokerProcessMain}) on a fixed port and data dir, so a
 * test can SIGKILL it and start a new process on the same port and data. Its output goes to a file
 * next to the data dir; {@link #logTail()} shows it when an assertion fails.
 */
public final class BrokerProcess implements AutoCloseable {
    private static final Pattern PORT_LINE = Pattern.compile(Pattern.quote(BrokerProcessMain.PORT_LINE_PREFIX) + "(\\d+)");

    private final Path dataDir;
    private final int port;
    private final NodeProcess node;

    public BrokerProcess(Path workDir, int port, List<String> extraProps) {
        this.dataDir = workDir.resolve("data");
        this.port = port;
        this.node = new NodeProcess("broker", command(port, dataDir, extraProps), Map.of(),
                workDir.resolve("broker.log"));
    }

    private static List<String> command(int port, Path dataDir, List<String> extraProps) {
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
        return cmd;
    }

    /** A port that was free a moment ago, which no client connection can take while the broker is down. */
    public static int freePort() {
        return FreePorts.reusable();
    }

    public int port() {
        return port;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public long pid() {
        return node.pid();
    }

    /** Starts a new JVM and waits (up to the timeout) until it prints its bound port. */
    public BrokerProcess start(long timeoutMs) throws Exception {
        node.start();
        Matcher bound;
        try {
            bound = node.awaitLog(PORT_LINE, Duration.ofMillis(timeoutMs));
        } catch (IllegalStateException e) {
            node.close();
            throw new IllegalStateException("broker process did not start: " + e.getMessage(), e);
        }
        int actual = Integer.parseInt(bound.group(1));
        if (actual != port) {
            node.close();
            throw new IllegalStateException("broker bound " + actual + ", expected " + port);
        }
        return this;
    }

    /** SIGKILL and wait until the process is gone (exit status 137). */
    public void kill() throws InterruptedException {
        node.kill();
    }

    /** SIGTERM: the broker's shutdown hook closes it cleanly; waits until the process is gone. */
    public void stop() throws InterruptedException {
        node.stop(Duration.ofSeconds(30));
        if (node.currentLifeLines().stream().noneMatch(l -> l.contains(BrokerProcessMain.CLEAN_STOP_LINE))) {
            throw new IllegalStateException("the broker did not log a clean stop after SIGTERM:\n" + logTail());
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return node.isAlive();
    }

    /** The last lines the broker processes logged. */
    public String logTail() {
        return node.logTail();
    }

    @Override
    public void close() throws InterruptedException {
        node.close();
    }
}
