package io.sluice.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.server.Broker;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ConfigLoader;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a {@link ClusterProcesses} cluster as its own JVM, configured like a container: only
 * through {@code KAFKA_*} (and {@code CLUSTER_ID}) environment variables, read by the same
 * {@link ConfigLoader} call as {@code sluice serve} without a properties file. It takes no arguments.
 * The broker logs "Sluice node N started" once it is up; the process runs until it is killed.
 */
public final class ClusterNodeMain {
    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> props = ConfigLoader.load(Optional.empty(), System.getenv());
        Vertx vertx = Vertx.vertx();
        Broker broker = new Broker(BrokerConfig.fromProperties(props), vertx, new SimpleMeterRegistry());
        try {
            broker.start();
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            vertx.close();
        }));
        ParentWatch.exitWhenStdinCloses("ClusterNodeMain");
        Thread.currentThread().join();
    }
}
