package io.sluice.raft.sim;

import io.sluice.raft.RaftMessage;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * A network that loses, delays (hence reorders) and duplicates messages, and cuts links one way or
 * both. A cut also drops messages already in flight on that link when they would arrive.
 */
final class SimNetwork {

    interface Receiver {
        void receive(int to, RaftMessage message);
    }

    record Delivery(int from, int to, RaftMessage message) {
        @Override
        public String toString() {
            return from + "->" + to + " " + message;
        }
    }

    private final SimScheduler scheduler;
    private final Random random;
    private final Receiver receiver;
    private final Set<Long> cut = new HashSet<>();
    private double dropRate;
    private double duplicateRate;
    private final long maxDelayMs;

    SimNetwork(SimScheduler scheduler, Random random, Receiver receiver, long maxDelayMs) {
        this.scheduler = scheduler;
        this.random = random;
        this.receiver = receiver;
        this.maxDelayMs = maxDelayMs;
    }

    void send(int from, int to, RaftMessage message) {
        if (isCut(from, to) || random.nextDouble() < dropRate) {
            return;
        }
        int copies = random.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            Delivery d = new Delivery(from, to, message);
            scheduler.at(scheduler.now() + 1 + random.nextInt((int) maxDelayMs), d, () -> {
                if (!isCut(from, to)) {
                    receiver.receive(to, message);
                }
            });
        }
    }

    private boolean isCut(int from, int to) {
        return cut.contains(link(from, to));
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | (to & 0xffffffffL);
    }

    void cut(int from, int to) {
        cut.add(link(from, to));
    }

    void healAll() {
        cut.clear();
    }

    void setLossy(double dropRate, double duplicateRate) {
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
    }
}
