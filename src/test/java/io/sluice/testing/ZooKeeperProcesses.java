package io.sluice.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * A ZooKeeper ensemble as separate JVMs, each {@code org.apache.zookeeper.server.quorum.QuorumPeerMain}
 * from the zookeeper jar on the test classpath, with a {@code zoo.cfg} and {@code myid} as an operator
 * writes them. Every server can be SIGKILLed and started again on its own data. {@link #mode} asks a
 * server with the {@code srvr} four-letter word whether it serves, and as leader or follower.
 */
public final class ZooKeeperProcesses implements AutoCloseable {
    /** One server: its client port and process. */
    public record Server(int id, int clientPort, NodeProcess process) {}

    private final List<Server> servers;

    private ZooKeeperProcesses(List<Server> servers) {
        this.servers = List.copyOf(servers);
    }

    /**
     * {@code count} servers under {@code workDir}, nothing started. ZooKeeper's default tickTime (2 s)
     * keeps its session limits (4 s to 40 s) around Kafka's 18 s zookeeper.session.timeout.ms.
     */
    public static ZooKeeperProcesses ensemble(Path workDir, int count) throws IOException {
        StringJoiner peers = new StringJoiner("\n");
        List<Integer> clientPorts = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            clientPorts.add(BrokerProcess.freePort());
            peers.add("server." + id + "=127.0.0.1:" + BrokerProcess.freePort() + ":" + BrokerProcess.freePort());
        }
        List<Server> servers = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            Path dir = workDir.resolve("zookeeper-" + id);
            Path data = Files.createDirectories(dir.resolve("data"));
            Files.writeString(data.resolve("myid"), id + "\n");
            Path cfg = dir.resolve("zoo.cfg");
            Files.writeString(cfg, String.join("\n",
                    "tickTime=2000",
                    "initLimit=10",
                    "syncLimit=5",
                    "dataDir=" + data,
                    "clientPort=" + clientPorts.get(id - 1),
                    "admin.enableServer=false",
                    "4lw.commands.whitelist=srvr",
                    peers.toString(), ""));
            servers.add(new Server(id, clientPorts.get(id - 1),
                    new NodeProcess("zookeeper-" + id, command(cfg), Map.of(), dir.resolve("zookeeper.log"))));
        }
        return new ZooKeeperProcesses(servers);
    }

    private static List<String> command(Path cfg) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.apache.zookeeper.server.quorum.QuorumPeerMain");
        cmd.add(cfg.toString());
        return cmd;
    }

    /** {@code zookeeper.connect} for the whole ensemble, with a chroot if given ("" for none). */
    public String connect(String chroot) {
        return servers.stream().map(s -> "localhost:" + s.clientPort()).collect(Collectors.joining(",")) + chroot;
    }

    public List<Server> servers() {
        return servers;
    }

    /** Starts every server that is not running, and waits until a quorum serves (a leader and followers). */
    public void start(Duration timeout) throws InterruptedException {
        for (Server s : servers) {
            if (!s.process().isAlive()) {
                s.process().start();
            }
        }
        awaitServing(timeout);
    }

    /** Waits until every running server serves, one of them as leader. */
    public void awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Server> running = servers.stream().filter(s -> s.process().isAlive()).toList();
            List<Optional<String>> modes = running.stream().map(this::mode).toList();
            if (modes.stream().allMatch(Optional::isPresent) && modes.contains(Optional.of("leader"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ZooKeeper ensemble not serving within " + timeout + ": modes "
                        + modes + "\n" + running.stream().map(s -> s.process().logTail()).collect(Collectors.joining("\n")));
            }
            Thread.sleep(50); // polling the servers: the deadline above bounds the wait
        }
    }

    /** The running leader. */
    public Server leader() {
        return servers.stream().filter(s -> s.process().isAlive() && mode(s).equals(Optional.of("leader")))
                .findFirst().orElseThrow(() -> new IllegalStateException("no ZooKeeper leader"));
    }

    /** "leader", "follower" or "standalone" while the server serves; empty while it does not (or is down). */
    public Optional<String> mode(Server server) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.clientPort()), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.lines().filter(l -> l.startsWith("Mode: ")).map(l -> l.substring(6).trim()).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Server s : servers) {
            s.process().close();
        }
    }
}
