package io.sluice.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.BrokerRuntime;
import io.sluice.server.config.BrokerConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health checks against a real broker: not ready before start, ready once registered, down after stop. */
class HealthChecksTest {
    @TempDir
    Path data;

    @Test
    void readinessAndStartupFollowTheBrokerLifecycle() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            BrokerRuntime runtime = new BrokerRuntime();
            runtime.use(vertx, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            ReadyCheck ready = new ReadyCheck();
            ready.runtime = runtime;
            StartedCheck started = new StartedCheck();
            started.runtime = runtime;
            assertEquals(HealthCheckResponse.Status.DOWN, ready.call().getStatus());
            assertEquals(HealthCheckResponse.Status.DOWN, started.call().getStatus());

            runtime.start(BrokerConfig.fromProperties(Map.of("node.id", "1", "process.roles", "broker,controller",
                    "listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
                    "advertised.listeners", "PLAINTEXT://127.0.0.1:0", "controller.listener.names", "CONTROLLER",
                    "controller.quorum.voters", "1@127.0.0.1:9093", "log.dirs", data.toString())));
            HealthCheckResponse up = ready.call();
            assertEquals(HealthCheckResponse.Status.UP, up.getStatus(), String.valueOf(up.getData()));
            assertEquals(HealthCheckResponse.Status.UP, started.call().getStatus());

            runtime.stop();
            HealthCheckResponse down = ready.call();
            assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
            assertTrue(down.getData().orElseThrow().get("reason").toString().contains("not bound"));
        } finally {
            vertx.close();
        }
    }
}
