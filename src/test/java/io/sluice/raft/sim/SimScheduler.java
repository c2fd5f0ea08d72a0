package io.sluice.raft.sim;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * Simulated time: events run one at a time in (time, insertion) order, so a seed fixes the whole
 * run. Keeps the last events for a failure's trace.
 */
final class SimScheduler {

    private record Event(long time, long seq, Object what, Runnable action) {
    }

    private final PriorityQueue<Event> queue =
            new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
    private final Deque<Event> recent = new ArrayDeque<>();
    private final int traceSize;
    private long now;
    private long seq;

    SimScheduler(int traceSize) {
        this.traceSize = traceSize;
    }

    long now() {
        return now;
    }

    /** {@code what} describes the event in traces; it is only turned into text when a trace is printed. */
    void at(long time, Object what, Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, what, action));
    }

    /** Runs the next event if it is due by {@code until}; false when none is. */
    boolean runNext(long until) {
        Event e = queue.peek();
        if (e == null || e.time > until) {
            return false;
        }
        queue.poll();
        now = e.time;
        recent.addLast(e);
        if (recent.size() > traceSize) {
            recent.removeFirst();
        }
        e.action.run();
        return true;
    }

    /** Notes something that is not an event (a fault, a checker finding) in the trace. */
    void note(Object what) {
        recent.addLast(new Event(now, -1, what, null));
        if (recent.size() > traceSize) {
            recent.removeFirst();
        }
    }

    String trace() {
        StringBuilder sb = new StringBuilder();
        for (Event e : recent) {
            sb.append("  t=").append(e.time).append(' ').append(e.what).append('\n');
        }
        return sb.toString();
    }
}
