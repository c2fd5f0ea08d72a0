package io.sluice.ops;

import io.sluice.server.BrokerRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once log recovery and metadata replay are done and the listeners are bound. */
@Startup
@ApplicationScoped
public class StartedCheck implements HealthCheck {
    @Inject
    BrokerRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        boolean started = runtime.broker().map(b -> b.isStarted()).orElse(false);
        return HealthCheckResponse.named("sluice-started").status(started)
                .withData("state", started ? "started" : "starting (log recovery and metadata replay)").build();
    }
}
