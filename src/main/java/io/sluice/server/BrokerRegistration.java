package io.sluice.server;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.ControllerChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.jboss.logging.Logger;

/**
 * Registers this broker with the active controller (BrokerRegistration, KIP-631) and answers its broker
 * epoch. Retries until the controller accepts: none may be known yet, leadership may move, and a previous
 * process with this id keeps its registration until its session expires (DUPLICATE_BROKER_REGISTRATION).
 * Storage of another cluster (INCONSISTENT_CLUSTER_ID) is final. The caller cancels the future to stop.
 */
final class BrokerRegistration {
    private static final Logger LOG = Logger.getLogger(BrokerRegistration.class);
    private static final long RETRY_BACKOFF_MS = 100;

    private BrokerRegistration() {}

    static CompletableFuture<Long> register(ControllerChannel channel, int brokerId, String clusterId,
                                            List<BrokerEndpoint> endpoints, String rack) {
        BrokerRegistrationRequestData request = new BrokerRegistrationRequestData().setBrokerId(brokerId)
                .setClusterId(clusterId).setIncarnationId(Uuid.randomUuid()).setRack(rack);
        for (BrokerEndpoint e : endpoints) {
            request.listeners().add(new BrokerRegistrationRequestData.Listener().setName(e.listenerName())
                    .setHost(e.host()).setPort(e.port())
                    .setSecurityProtocol(SecurityProtocol.forName(e.securityProtocol()).id));
        }
        CompletableFuture<Long> epoch = new CompletableFuture<>();
        attempt(channel, request, epoch);
        return epoch;
    }

    private static void attempt(ControllerChannel channel, BrokerRegistrationRequestData request,
                                CompletableFuture<Long> epoch) {
        channel.send(ApiKeys.BROKER_REGISTRATION, request).whenComplete((message, error) -> {
            if (epoch.isDone()) {
                return;
            }
            Errors code = error != null ? Errors.forException(unwrap(error))
                    : Errors.forCode(((BrokerRegistrationResponseData) message).errorCode());
            if (code == Errors.NONE) {
                epoch.complete(((BrokerRegistrationResponseData) message).brokerEpoch());
            } else if (code == Errors.INCONSISTENT_CLUSTER_ID) {
                epoch.completeExceptionally(code.exception("The controller refused broker " + request.brokerId()
                        + ": its storage is formatted for cluster " + request.clusterId() + ", another cluster's"));
            } else {
                LOG.debugf("Broker %d registration not accepted yet (retrying): %s", request.brokerId(),
                        error != null ? unwrap(error) : code);
                CompletableFuture.delayedExecutor(RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS)
                        .execute(() -> attempt(channel, request, epoch));
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
