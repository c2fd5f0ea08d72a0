package io.sluice.raft.sim;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs many seeds of the deterministic simulation. {@code -Dsim.seeds=N} runs seeds 0..N-1 (default
 * 2000); {@code -Dsim.seed=S} replays one seed exactly. Seeds are independent, so they run on all cores.
 */
class SimulationTest {

    @Test
    void safetyAndLivenessUnderFaults() throws Exception {
        String one = System.getProperty("sim.seed");
        if (one != null) {
            System.out.println("raft simulation seed " + one + ": "
                    + new Simulation(Long.parseLong(one), Simulation.Plan.DEFAULT).run());
            return;
        }
        int seeds = Integer.getInteger("sim.seeds", 2000);
        long started = System.nanoTime();
        AtomicLong next = new AtomicLong();
        AtomicLong committed = new AtomicLong();
        AtomicLong epochs = new AtomicLong();
        AtomicLong snapshotLoads = new AtomicLong();
        AtomicLong voterChanges = new AtomicLong();
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (long s = next.getAndIncrement(); s < seeds; s = next.getAndIncrement()) {
                    InvariantChecker.Coverage c = new Simulation(s, Simulation.Plan.DEFAULT).run();
                    committed.addAndGet(c.committed());
                    epochs.addAndGet(c.maxEpoch());
                    snapshotLoads.addAndGet(c.snapshotLoads());
                    voterChanges.addAndGet(c.voterChanges());
                }
                return null;
            }));
        }
        try {
            for (Future<?> w : workers) {
                try {
                    w.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    next.set(seeds); // stop the other workers
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("raft simulation: %d seeds, 0 violations, %.1f s; per seed on average %d committed"
                + " entries, %d epochs, %d snapshot loads; %d committed voter changes in all%n", seeds,
                (System.nanoTime() - started) / 1e9, committed.get() / seeds, epochs.get() / seeds,
                snapshotLoads.get() / seeds, voterChanges.get());
        if (seeds >= 100 && voterChanges.get() == 0) {
            throw new AssertionError("the dynamic-quorum seeds committed no voter change: the steps do not run");
        }
    }
}
