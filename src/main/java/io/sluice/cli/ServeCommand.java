package io.sluice.cli;

import io.quarkus.runtime.Quarkus;
import io.sluice.server.BrokerRuntime;
import io.sluice.server.config.BrokerConfig;
import io.sluice.server.config.ConfigLoader;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.jboss.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice serve [server.properties]}: starts a broker from a Kafka properties file and
 * {@code KAFKA_*} environment variables, or the single-node default when neither is given.
 */
@Dependent
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start a broker from a Kafka server.properties file (and KAFKA_* environment variables).")
public class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(ServeCommand.class);

    @Parameters(index = "0", arity = "0..1", paramLabel = "server.properties",
            description = "Kafka broker properties; without it (and without KAFKA_* variables) a single-node kraft broker with data under ./data")
    Path propertiesFile;

    @Inject
    BrokerRuntime runtime;

    @Override
    public Integer call() {
        BrokerConfig config;
        try {
            Map<String, String> props = ConfigLoader.load(Optional.ofNullable(propertiesFile), System.getenv());
            config = BrokerConfig.fromProperties(props);
        } catch (ConfigException e) {
            LOG.errorf("Invalid configuration: %s", e.getMessage());
            return 2;
        }
        try {
            runtime.start(config);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Broker failed to start: %s", e.getMessage());
            runtime.stop();
            return 1;
        }
        Quarkus.waitForExit();
        runtime.stop();
        return 0;
    }
}
