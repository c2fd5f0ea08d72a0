package io.sluice.raft.sim;

/** A broken invariant; the simulation adds the seed and trace before reporting it. */
final class SimulationFailure extends RuntimeException {
    SimulationFailure(String message) {
        super(message);
    }
}
