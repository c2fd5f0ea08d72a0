package io.sluice.testing;

import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * A single-node broker as its own JVM, for tests that kill it with SIGKILL.
 *
 * <p>Usage: {@code BrokerProcessMain <port> <data dir> [key=value ...]}. Binds PLAINTEXT on
 * 127.0.0.1:port (0 for any free port), prints {@code SLUICE_BROKER_PORT=<bound port>} on stdout
 * once the listener is bound, and runs until it is killed. It also ends when its stdin closes, so
 * a test JVM that dies leaves no broker behind (its parent keeps stdin open as a pipe).
 */
public final class BrokerProcessMain {
    public static final String PORT_LINE_PREFIX = "SLUICE_BROKER_PORT=";
    public static final String CLEAN_STOP_LINE = "BrokerProcessMain: broker closed cleanly";

    private BrokerProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BrokerProcessMain <port> <data dir> [key=value ...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:0");
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@127.0.0.1:9093");
        props.put("log.dirs", args[1]);
        props.put("offsets.topic.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Vertx vertx = Vertx.vertx();
        Broker broker = new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
        broker.start();
        System.out.println(PORT_LINE_PREFIX + broker.boundPort("PLAINTEXT"));
        System.out.flush();
        // Stay up until killed. A clean stop (SIGTERM) closes the broker first.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            vertx.close();
            // JUL-based logging may already be shut down here; this line tells tests the close finished
            System.err.println(CLEAN_STOP_LINE);
            System.err.flush();
        }));
        ParentWatch.exitWhenStdinCloses("BrokerProcessMain");
        Thread.currentThread().join();
    }
}
