package io.sluice.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * The broker's side of its liveness (KIP-631): from registration until shutdown it sends a heartbeat
 * to the active controller every {@code broker.heartbeat.interval.ms}, carrying its broker epoch and
 * how far it has applied the metadata log. The controller unfences it once it has caught up, fences it
 * when heartbeats stop, and in controlled shutdown moves its leadership away before allowing it to stop.
 *
 * <p>One heartbeat is in flight at a time; failures (no controller known, a controller that lost
 * leadership, timeouts) are retried after a short backoff. Everything runs on this class's own thread,
 * never on an event loop.
 */
final class BrokerLifecycle implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BrokerLifecycle.class);
    /** While waiting for the controlled shutdown or after a failure: heartbeat again this soon. */
    private static final long EAGER_MS = 100;
    /**
     * While fenced: the controller unfences this broker at the first heartbeat that shows it has applied
     * its own registration, which it usually has a few milliseconds after the first heartbeat; as Kafka's
     * broker does while it catches up (10 ms), so that a start does not wait out a long backoff.
     */
    private static final long FENCED_MS = 10;

    /** Delivers a heartbeat to the active controller, wherever it runs. */
    interface HeartbeatChannel {
        CompletableFuture<BrokerHeartbeatResponseData> send(BrokerHeartbeatRequestData request);
    }

    private final int brokerId;
    private final long brokerEpoch;
    private final LongSupplier metadataOffset;
    private final HeartbeatChannel channel;
    private final long intervalMs;
    private final ScheduledExecutorService thread;
    /** As the controller's last answer said; its changes are logged. */
    private boolean unfenced;
    private final CompletableFuture<Void> shutdownAllowed = new CompletableFuture<>();

    // Confined to the lifecycle thread.
    private boolean inFlight;
    private boolean wantShutDown;
    private ScheduledFuture<?> next;

    BrokerLifecycle(int brokerId, long brokerEpoch, LongSupplier metadataOffset, HeartbeatChannel channel,
                    long intervalMs) {
        this.brokerId = brokerId;
        this.brokerEpoch = brokerEpoch;
        this.metadataOffset = metadataOffset;
        this.channel = channel;
        this.intervalMs = intervalMs;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-broker-lifecycle-" + brokerId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Sends the first heartbeat now. */
    void start() {
        thread.execute(this::heartbeat);
    }

    /**
     * Asks the controller for a controlled shutdown; completes once it answers shouldShutDown, that is
     * once this broker's leadership has moved to other replicas wherever that was possible.
     */
    CompletableFuture<Void> beginControlledShutdown() {
        thread.execute(() -> {
            if (!wantShutDown) {
                wantShutDown = true;
                heartbeatSoon(0);
            }
        });
        return shutdownAllowed;
    }

    private void heartbeat() {
        if (inFlight || shutdownAllowed.isDone()) {
            return;
        }
        inFlight = true;
        BrokerHeartbeatRequestData request = new BrokerHeartbeatRequestData().setBrokerId(brokerId)
                .setBrokerEpoch(brokerEpoch).setCurrentMetadataOffset(metadataOffset.getAsLong())
                .setWantFence(false).setWantShutDown(wantShutDown);
        CompletableFuture<BrokerHeartbeatResponseData> answer;
        try {
            answer = channel.send(request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Back onto this thread; once closed, the answer is dropped (the executor refuses it).
        answer.whenCompleteAsync(this::onAnswer, thread);
    }

    private void onAnswer(BrokerHeartbeatResponseData response, Throwable error) {
        inFlight = false;
        if (error != null || response.errorCode() != Errors.NONE.code()) {
            Object why = error != null ? unwrap(error) : Errors.forCode(response.errorCode());
            LOG.debugf("Broker %d heartbeat failed (retrying): %s", brokerId, why);
            heartbeatSoon(EAGER_MS);
            return;
        }
        boolean nowUnfenced = !response.isFenced();
        if (nowUnfenced != unfenced) {
            unfenced = nowUnfenced;
            LOG.infof("Broker %d is %s", brokerId, unfenced ? "unfenced" : "fenced");
        }
        if (response.shouldShutDown() && wantShutDown) {
            LOG.infof("Broker %d: the controller allows the shutdown", brokerId);
            shutdownAllowed.complete(null);
            return;
        }
        long delayMs = wantShutDown ? EAGER_MS : response.isFenced() ? FENCED_MS : intervalMs;
        heartbeatSoon(Math.min(delayMs, intervalMs));
    }

    private void heartbeatSoon(long delayMs) {
        if (next != null) {
            next.cancel(false);
        }
        if (!thread.isShutdown()) {
            next = thread.schedule(this::heartbeat, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
