package io.sluice.raft;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a {@link RaftNode} in real time: one dedicated thread owns the node, delivers every inbound
 * message to it, ticks it every {@code tickMs} and runs every call the application makes. The node
 * stays the deterministic single-threaded state machine it is in the simulator; this class is the
 * only place that knows about threads and wall clocks.
 *
 * <p>After every step (a message, a tick, an application call) {@code afterStep} runs on the same
 * thread, so the application can notice role or leader changes without polling from elsewhere.
 */
public final class RaftDriver implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RaftDriver.class);

    private final ScheduledExecutorService thread;
    private final Runnable afterStep;
    private final long startNanos = System.nanoTime();
    private volatile Thread raftThread;
    private RaftNode node;

    public RaftDriver(String threadName, Runnable afterStep) {
        this.afterStep = afterStep;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        thread.execute(() -> raftThread = Thread.currentThread());
    }

    /** Creates the node on the Raft thread (its constructor may load a snapshot) and starts ticking. */
    public void start(Function<Long, RaftNode> factory, long tickMs) {
        call(() -> {
            node = factory.apply(now());
            return null;
        }).join();
        thread.scheduleWithFixedDelay(() -> step(() -> node.tick(now())), tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /** Milliseconds on a monotonic clock: Raft's timers must not jump with the wall clock. */
    public long now() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Hands an inbound message to the node; never blocks (called from event loops). */
    public void deliver(RaftMessage message) {
        execute(() -> {
            if (node != null) {
                step(() -> {
                    node.handle(message, now());
                    node.tick(now()); // act on what the message changed now rather than at the next tick
                });
            }
        });
    }

    /** Appends on the Raft thread; the future completes on the Raft thread after the commit was applied. */
    public CompletableFuture<Long> append(List<byte[]> records) {
        return call(() -> {
            CompletableFuture<Long> result = node.append(records);
            node.tick(now()); // with no linger, written at once instead of at the next tick
            return result;
        }).thenCompose(f -> f);
    }

    /** Runs {@code task} on the Raft thread with the node, as one step. */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    T value = task.get();
                    if (node != null) {
                        afterStep.run();
                    }
                    result.complete(value);
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the Raft driver is closed"));
        }
        return result;
    }

    public void execute(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: the message is dropped like any other lost message
        }
    }

    public boolean onRaftThread() {
        return Thread.currentThread() == raftThread;
    }

    /** The node, for use on the Raft thread only. */
    public RaftNode node() {
        return node;
    }

    private void step(Runnable action) {
        try {
            action.run();
            afterStep.run();
        } catch (RuntimeException e) {
            // A bug, or a disk that failed under the log: say so loudly, keep the thread alive.
            LOG.errorf(e, "Raft step failed on node %s", node == null ? "?" : node.nodeId());
        }
    }

    /** Stops the thread; pending appends are left incomplete. Waits for the step in progress. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
