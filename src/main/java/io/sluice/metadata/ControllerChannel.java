package io.sluice.metadata;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * How this node reaches the active controller, wherever it runs: in-process when this node is the
 * active controller, else through the backend to the node that is ({@link MetadataBackend#forwardToController}).
 * Brokers send admin requests (forwarding, as Kafka brokers do since KIP-590), heartbeats and ISR
 * changes through here, so a broker-only node works the same as a combined one.
 */
public final class ControllerChannel {
    private final MetadataBackend backend;
    private final ControllerRequestHandler local;

    public ControllerChannel(MetadataBackend backend, ControllerRequestHandler local) {
        this.backend = backend;
        this.local = local;
        backend.serveControllerRequests(local);
    }

    /**
     * Sends a request to the active controller. Completes with its response message, or fails with
     * {@code NotControllerException} when no controller is reachable or leadership moved before it
     * answered (callers retry; Kafka clients do so on NOT_CONTROLLER), or {@code TimeoutException}.
     */
    public CompletableFuture<ApiMessage> send(ApiKeys api, ApiMessage request) {
        if (backend.isActiveController()) {
            return local.handle(api, request);
        }
        return backend.forwardToController(api, request);
    }

    /**
     * Answers a request another node sent to this one as the controller (in zk mode brokers reach the
     * controller broker over the Kafka protocol): decided here, never forwarded again. On a node that is
     * not the active controller the answer says NOT_CONTROLLER and the sender retries.
     */
    public CompletableFuture<ApiMessage> answerHere(ApiKeys api, ApiMessage request) {
        return local.handle(api, request);
    }
}
