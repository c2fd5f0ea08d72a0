package io.sluice.testing;

import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/** A real broker in this JVM on an ephemeral port, with its data in a test's temporary directory. */
public final class TestBroker implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private SimpleMeterRegistry meters;
    private final Path dataDir;
    private final Map<String, String> overrides;
    private Broker broker;

    public TestBroker(Path dataDir) {
        this(dataDir, Map.of());
    }

    public TestBroker(Path dataDir, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.overrides = overrides;
    }

    public TestBroker start() {
        Map<String, String> props = new HashMap<>();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0");
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", "1@127.0.0.1:9093");
        props.put("log.dirs", dataDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.putAll(overrides);
        meters = new SimpleMeterRegistry();
        broker = new Broker(BrokerConfig.fromProperties(props), vertx, meters);
        broker.start();
        return this;
    }

    /** The metrics of the current run (a restart starts a fresh registry, as a new process would). */
    public SimpleMeterRegistry meters() {
        return meters;
    }

    public Broker broker() {
        return broker;
    }

    public int port() {
        return broker.boundPort("PLAINTEXT");
    }

    public String bootstrap() {
        return "127.0.0.1:" + port();
    }

    public Properties clientProps() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return p;
    }

    /** Stops the broker cleanly; {@link #start()} brings it back on the same data (a new port). */
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @Override
    public void close() {
        stop();
        vertx.close();
    }
}
