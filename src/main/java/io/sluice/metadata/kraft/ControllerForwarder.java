package io.sluice.metadata.kraft;

import io.sluice.metadata.ControllerRequestHandler;
import io.sluice.metadata.proto.ControllerRequestEnvelope;
import io.sluice.metadata.proto.ControllerResponseEnvelope;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The sending side of forwarding: controller-bound requests waiting for, or sent to, the Raft leader.
 * A request waits while no leader is known; once sent it belongs to that leader, and fails with
 * NOT_CONTROLLER if leadership moves before the answer (it may or may not have been applied, so
 * only the caller may decide to resend it). Every request fails after the timeout.
 *
 * <p>Confined to the Raft thread: the backend calls it from its steps and inbound messages.
 */
final class ControllerForwarder {
    /** Sends an application message to a node over the quorum's connections. */
    interface Sender {
        void send(int to, String kind, byte[] payload);
    }

    static final String REQUEST = "controller-request";
    static final String RESPONSE = "controller-response";

    private final int self;
    private final Sender sender;
    private final long timeoutMs;
    private final Map<Long, Pending> pending = new LinkedHashMap<>();
    private long nextCorrelationId;

    private static final class Pending {
        final ApiKeys api;
        final ApiMessage request;
        final ControllerRequestEnvelope envelope;
        final CompletableFuture<ApiMessage> result;
        final long deadline;
        int sentTo = -1;

        Pending(ApiKeys api, ApiMessage request, ControllerRequestEnvelope envelope,
                CompletableFuture<ApiMessage> result, long deadline) {
            this.api = api;
            this.request = request;
            this.envelope = envelope;
            this.result = result;
            this.deadline = deadline;
        }
    }

    ControllerForwarder(int self, Sender sender, long timeoutMs) {
        this.self = self;
        this.sender = sender;
        this.timeoutMs = timeoutMs;
    }

    void add(ApiKeys api, ApiMessage request, CompletableFuture<ApiMessage> result, long now) {
        long id = nextCorrelationId++;
        pending.put(id, new Pending(api, request, ControllerEnvelopes.request(id, api, request), result,
                now + timeoutMs));
    }

    /**
     * After every Raft step: sends what waits for a leader, fails what the leader change orphaned or
     * the timeout ended. When this node itself became the active controller meanwhile, the request is
     * answered here by {@code local}.
     */
    void onStep(int leader, boolean selfActive, ControllerRequestHandler local, long now) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.result.isDone()) {
                it.remove();
            } else if (p.sentTo != -1 && p.sentTo != leader) {
                it.remove();
                p.result.completeExceptionally(new NotControllerException("The controller changed from node "
                        + p.sentTo + " to " + leader + " before it answered " + p.api));
            } else if (now >= p.deadline) {
                it.remove();
                p.result.completeExceptionally(new TimeoutException("No answer from the active controller to "
                        + p.api + " within " + timeoutMs + " ms"));
            } else if (p.sentTo == -1 && leader == self && selfActive && local != null) {
                it.remove();
                local.handle(p.api, p.request).whenComplete((response, error) -> {
                    if (error != null) {
                        p.result.completeExceptionally(error);
                    } else {
                        p.result.complete(response);
                    }
                });
            } else if (p.sentTo == -1 && leader != -1 && leader != self) {
                p.sentTo = leader;
                sender.send(leader, REQUEST, p.envelope.toByteArray());
            }
        }
    }

    void onResponse(ControllerResponseEnvelope response) {
        Pending p = pending.remove(response.getCorrelationId());
        if (p == null) {
            return; // timed out or orphaned already
        }
        try {
            p.result.complete(ControllerEnvelopes.responseBody(p.api, response));
        } catch (RuntimeException e) {
            p.result.completeExceptionally(e);
        }
    }
}
