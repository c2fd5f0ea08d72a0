package io.sluice.server;

import io.sluice.server.config.BrokerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    /**
     * SIGTERM (Ctrl-C) makes Quarkus shut down and halt the JVM without returning to the serve
     * command, so the broker closes here, while Vert.x is still up: listeners, then logs, writing the
     * clean-shutdown marker that lets the next start skip recovery.
     */
    void onShutdown(@Observes ShutdownEvent event) {
        stop();
    }

    public synchronized void stop() {
        Broker b = broker;
        if (b != null) {
            b.close();
            broker = null;
        }
    }
}
