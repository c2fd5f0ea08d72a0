package io.sluice.ops;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.server.Broker;
import io.sluice.server.BrokerRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the listeners are bound, the metadata is loaded and this broker is registered and
 * not fenced; a controller-only node when it has caught up with the metadata quorum. A node that is
 * not ready says which of these is missing.
 */
@Readiness
@ApplicationScoped
public class ReadyCheck implements HealthCheck {
    @Inject
    BrokerRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("sluice-ready");
        Optional<Broker> broker = runtime.broker();
        if (broker.isEmpty() || !broker.get().isStarted()) {
            return check.down().withData("reason", "listeners not bound yet").build();
        }
        MetadataImage image = broker.get().parts().backend().image();
        int nodeId = broker.get().nodeId();
        if (!broker.get().isBroker()) {
            return controllerReadiness(check, image);
        }
        BrokerImage self = image.brokers().get(nodeId);
        check.withData("metadataOffset", image.offset()).withData("controllerId", image.controllerId());
        if (self == null) {
            return check.down().withData("reason", "broker " + nodeId + " not registered in the metadata").build();
        }
        if (self.fenced()) {
            return check.down().withData("reason", "broker " + nodeId + " is fenced").build();
        }
        return check.up().withData("topics", image.topics().size()).build();
    }

    /**
     * A controller-only node has no broker registration: it is ready once it has caught up with the
     * metadata quorum (its start waits for that) and follows a known leader.
     */
    private static HealthCheckResponse controllerReadiness(HealthCheckResponseBuilder check, MetadataImage image) {
        check.withData("metadataOffset", image.offset()).withData("controllerId", image.controllerId());
        if (image.controllerId() == -1) {
            return check.down().withData("reason", "no metadata quorum leader known").build();
        }
        return check.up().build();
    }
}
