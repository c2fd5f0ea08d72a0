package io.sluice.server;

import io.sluice.server.config.BrokerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/** Holds the broker that runs inside the Quarkus application, for the CLI, health checks and metrics. */
@ApplicationScoped
public class BrokerRuntime {
    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry meters;

    private volatile Broker broker;

    /** For code that runs the broker outside CDI (tests). */
    public void use(Vertx vertx, MeterRegistry meters) {
        this.vertx = vertx;
        this.meters = meters;
    }

    public void start(BrokerConfig config) {
        Broker b = new Broker(config, vertx, meters);
        broker = b;
        b.start();
    }

    public Optional<Broker> broker() {
        return Optional.ofNullable(broker);
    }

    public void stop() {
        Broker b = broker;
        if (b != null) {
            b.close();
            broker = null;
        }
    }
}
