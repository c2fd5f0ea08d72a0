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
 * {@link ConfigLoader} call as {@code sluice serve}; like that command it takes an optional properties
 * file ({@code server.properties}), under the environment. The broker logs "Sluice node N started" once it is up; the process runs until it is killed.
 */
public final class ClusterNodeMain {
    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Optional<java.nio.file.Path> file = args.length > 0 ? Optional.of(java.nio.file.Path.of(args[0])) : Optional.empty();
        Map<String, String> props = ConfigLoader.load(file, System.getenv());
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
