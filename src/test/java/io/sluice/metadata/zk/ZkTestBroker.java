package io.sluice.metadata.zk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A real broker in this JVM in zk mode: the properties a Kafka 3.x ZooKeeper-mode broker uses
 * ({@code broker.id}, {@code zookeeper.connect} with a chroot), listeners on ephemeral ports.
 */
final class ZkTestBroker implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx();
    private final Broker broker;
    private boolean closed;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    ZkTestBroker(int brokerId, String zookeeperConnect, Path dataDir) {
        Map<String, String> props = new HashMap<>();
        props.put("broker.id", Integer.toString(brokerId));
        props.put("zookeeper.connect", zookeeperConnect + ZkTesting.CHROOT);
        props.put("zookeeper.session.timeout.ms", "6000");
        props.put("listeners", "PLAINTEXT://127.0.0.1:0");
        props.put("log.dirs", dataDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("default.replication.factor", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        broker = new Broker(BrokerConfig.fromProperties(props), vertx, meters);
    }

    SimpleMeterRegistry meters() {
        return meters;
    }

    ZkTestBroker start() {
        broker.start();
        return this;
    }

    Broker broker() {
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + broker.boundPort("PLAINTEXT");
    }

    Properties clientProps() {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return p;
    }

    /** Idempotent: a test may stop a broker midway and still let try-with-resources close it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        broker.close();
        vertx.close();
    }
}
