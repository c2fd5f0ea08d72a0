package io.sluice.controller;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The controller's periodic work: checking broker sessions (fencing) and, with
 * {@code auto.leader.rebalance.enable}, the preferred-leader rebalance every
 * {@code leader.imbalance.check.interval.seconds}. Both are no-ops on a node that is not the active
 * controller, so every controller node runs this and the active one acts.
 *
 * <p>Only where brokers heartbeat to the controller (kraft): in zk mode liveness is the broker's
 * ephemeral znode, and a session check would fence every broker.
 */
public final class ControllerSchedule implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControllerSchedule.class);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-controller-schedule");
        t.setDaemon(true);
        return t;
    });

    public ControllerSchedule(Controller controller, long brokerSessionTimeoutMs, boolean autoLeaderRebalance,
                              long leaderImbalanceCheckIntervalMs) {
        // Often enough that a fencing comes soon after the session ends, without queueing needless work.
        long sessionCheckMs = Math.max(50, Math.min(1000, brokerSessionTimeoutMs / 8));
        every(sessionCheckMs, controller::checkBrokerSessions, "broker session check");
        if (autoLeaderRebalance) {
            every(leaderImbalanceCheckIntervalMs, controller::rebalanceLeaders, "leader rebalance");
        }
    }

    /** Runs the task every period, never twice at once: a slow write delays the next run instead of piling up. */
    private void every(long periodMs, Supplier<CompletableFuture<Void>> task, String name) {
        AtomicReference<CompletableFuture<Void>> running = new AtomicReference<>(CompletableFuture.completedFuture(null));
        timer.scheduleWithFixedDelay(() -> {
            if (running.get().isDone()) {
                running.set(task.get().exceptionally(e -> {
                    LOG.debugf("The %s failed (retried next period): %s", name, e.toString());
                    return null;
                }));
            }
        }, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
