package io.sluice.controller;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The controller's periodic work: watching broker liveness, finishing reassignments and, with {@code auto.leader.rebalance.enable},
 * the preferred-leader rebalance every {@code leader.imbalance.check.interval.seconds}. Every task is a
 * no-op on a node that is not the active controller, so every controller node runs this and the active
 * one acts.
 *
 * <p>Liveness depends on the mode: where brokers heartbeat to the controller (kraft) it checks their
 * sessions and fences the silent; where the registration itself is the liveness (zk: the broker's
 * ephemeral znode) it moves leadership away from brokers no longer registered. A session check in zk
 * mode would fence every broker, as nothing heartbeats there.
 */
public final class ControllerSchedule implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControllerSchedule.class);
    /** How often a zk-mode controller looks for departed brokers: the session timeout already dominates. */
    private static final long REGISTRATION_CHECK_MS = 200;
    /**
     * How often the controller looks for reassignments ready to complete. Completion normally follows the
     * ISR change that allows it; this only catches one a controller failover interrupted.
     */
    private static final long REASSIGNMENT_CHECK_MS = 1000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-controller-schedule");
        t.setDaemon(true);
        return t;
    });

    private ControllerSchedule() {}

    /** Liveness by heartbeats (kraft): fences a broker whose session ran out. */
    public static ControllerSchedule heartbeats(Controller controller, long brokerSessionTimeoutMs,
                                                boolean autoLeaderRebalance, long leaderImbalanceCheckIntervalMs) {
        ControllerSchedule schedule = new ControllerSchedule();
        // Often enough that a fencing comes soon after the session ends, without queueing needless work.
        long sessionCheckMs = Math.max(50, Math.min(1000, brokerSessionTimeoutMs / 8));
        schedule.every(sessionCheckMs, controller::checkBrokerSessions, "broker session check");
        schedule.rebalance(controller, autoLeaderRebalance, leaderImbalanceCheckIntervalMs);
        schedule.every(REASSIGNMENT_CHECK_MS, controller::completeReassignments, "reassignment completion check");
        return schedule;
    }

    /** Liveness by registrations (zk): leadership moves away from a broker whose znode is gone. */
    public static ControllerSchedule registrations(Controller controller, boolean autoLeaderRebalance,
                                                   long leaderImbalanceCheckIntervalMs) {
        ControllerSchedule schedule = new ControllerSchedule();
        schedule.every(REGISTRATION_CHECK_MS, controller::checkBrokerRegistrations, "broker registration check");
        schedule.rebalance(controller, autoLeaderRebalance, leaderImbalanceCheckIntervalMs);
        schedule.every(REASSIGNMENT_CHECK_MS, controller::completeReassignments, "reassignment completion check");
        return schedule;
    }

    private void rebalance(Controller controller, boolean autoLeaderRebalance, long leaderImbalanceCheckIntervalMs) {
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
