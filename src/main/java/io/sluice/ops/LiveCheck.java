package io.sluice.ops;

import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Live while the event loops answer: a timer on an event loop ticks every second, and a loop that
 * has not ticked for {@value #STALL_MS} ms is stuck (a blocked event loop stalls every connection).
 */
@Liveness
@ApplicationScoped
public class LiveCheck implements HealthCheck {
    static final long STALL_MS = 10_000;

    @Inject
    Vertx vertx;

    private volatile long lastTickMs = System.currentTimeMillis();
    private long timerId;

    @PostConstruct
    void startTicking() {
        timerId = vertx.setPeriodic(1000, id -> lastTickMs = System.currentTimeMillis());
    }

    @PreDestroy
    void stopTicking() {
        vertx.cancelTimer(timerId);
    }

    @Override
    public HealthCheckResponse call() {
        long sinceTick = System.currentTimeMillis() - lastTickMs;
        return HealthCheckResponse.named("sluice-live").status(sinceTick < STALL_MS)
                .withData("eventLoopLagMs", sinceTick).build();
    }
}
