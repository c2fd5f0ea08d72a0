package io.sluice.coordinator.group;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Named timers of one coordinator partition (session expiry, join and sync deadlines, pending
 * members). They fire on the shared scheduler but run their task on the partition's serial
 * executor. Scheduling a name again replaces the old timer, and a timer that fires after it was
 * replaced or cancelled does nothing, so no task ever acts on stale state. Only called from the
 * partition's executor.
 */
final class RebalanceTimers {
    private final ScheduledExecutorService scheduler;
    private final Executor partitionExecutor;
    private final Map<String, Object> tokens = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> futures = new HashMap<>();

    RebalanceTimers(ScheduledExecutorService scheduler, Executor partitionExecutor) {
        this.scheduler = scheduler;
        this.partitionExecutor = partitionExecutor;
    }

    void schedule(String name, long delayMs, Runnable task) {
        cancel(name);
        Object token = new Object();
        tokens.put(name, token);
        try {
            futures.put(name, scheduler.schedule(() -> partitionExecutor.execute(() -> {
                if (tokens.get(name) == token) {
                    tokens.remove(name);
                    futures.remove(name);
                    task.run();
                }
            }), Math.max(0, delayMs), TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            tokens.remove(name); // shutting down
        }
    }

    void cancel(String name) {
        tokens.remove(name);
        ScheduledFuture<?> f = futures.remove(name);
        if (f != null) {
            f.cancel(false);
        }
    }

    void cancelAll() {
        futures.values().forEach(f -> f.cancel(false));
        futures.clear();
        tokens.clear();
    }
}
