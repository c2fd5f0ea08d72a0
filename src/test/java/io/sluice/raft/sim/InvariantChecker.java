package io.sluice.raft.sim;

import io.sluice.raft.LogEntry;
import io.sluice.raft.LogQueries;
import io.sluice.raft.OffsetAndEpoch;
import io.sluice.raft.RaftNode;
import io.sluice.raft.Role;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Raft's safety properties, checked after every simulation step against a global record of what
 * has been committed. Each node's log is only re-checked from the lowest offset that changed.
 */
public final class InvariantChecker {

    private record Seen(LogEntry entry, int previousEpoch) {
    }

    /** What the checker remembers about one node incarnation. */
    private static final class Watch {
        int incarnation;
        long highWatermark;
        long checkedCommittedUpTo;
        long nextDelivery;
        boolean leading;
    }

    private record Acknowledged(List<byte[]> records, long lastOffset) {
    }

    private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
    private final Map<OffsetAndEpoch, Seen> seen = new HashMap<>();
    private final List<LogEntry> committed = new ArrayList<>();
    /** digestBefore.get(o): the application digest after applying every committed record below o. */
    private final List<Long> digestBefore = new ArrayList<>(List.of(0L));
    private final Set<String> committedRecords = new HashSet<>();
    private final Map<Integer, Watch> watches = new HashMap<>();
    private final List<Acknowledged> acknowledged = new ArrayList<>();

    private int snapshotLoads;
    private int maxEpoch;

    /** How much a run exercised, to show the seeds are not trivially quiet. */
    public record Coverage(long committed, int maxEpoch, int snapshotLoads, int voterChanges) {
    }

    Coverage coverage(int voterChanges) {
        return new Coverage(committed.size(), maxEpoch, snapshotLoads, voterChanges);
    }

    long committedEnd() {
        return committed.size();
    }

    /** A client's append future completed with {@code lastOffset}. */
    void acknowledged(List<byte[]> records, long lastOffset) {
        acknowledged.add(new Acknowledged(records, lastOffset));
    }

    void afterStep(List<SimNode> nodes) {
        for (SimNode n : nodes) {
            if (n.up()) {
                extendCommitted(n);
            }
        }
        for (SimNode n : nodes) {
            if (n.up()) {
                checkNode(n);
            }
        }
        for (Acknowledged a : acknowledged) {
            long first = a.lastOffset - a.records.size() + 1;
            for (int i = 0; i < a.records.size(); i++) {
                long o = first + i;
                if (o >= committed.size() || committed.get((int) o).control()
                        || !Arrays.equals(committed.get((int) o).data(), a.records.get(i))) {
                    fail("append acknowledged at " + a.lastOffset + " but offset " + o + " holds "
                            + (o < committed.size() ? committed.get((int) o) : "nothing committed"));
                }
            }
        }
        acknowledged.clear();
    }

    private void extendCommitted(SimNode n) {
        RaftNode raft = n.raft;
        for (long o = committed.size(); o < raft.highWatermark(); o++) {
            if (o < n.log.startOffset() || o >= n.log.endOffset()) {
                fail("node " + n.id + " has high watermark " + raft.highWatermark() + " but cannot show entry " + o);
            }
            LogEntry e = n.log.entry(o);
            if (!e.control() && !committedRecords.add(new String(e.data(), java.nio.charset.StandardCharsets.UTF_8))) {
                fail("record committed twice: " + e);
            }
            committed.add(e);
            long digest = digestBefore.get((int) o);
            digestBefore.add(e.control() ? digest : SimApp.digest(digest, o, e.data()));
        }
    }

    private void checkNode(SimNode n) {
        RaftNode raft = n.raft;
        Watch w = watches.computeIfAbsent(n.id, id -> new Watch());
        if (w.incarnation != n.incarnation) {
            // A restart forgets the high watermark and rebuilds the application from scratch.
            w.incarnation = n.incarnation;
            w.highWatermark = 0;
            w.checkedCommittedUpTo = 0;
            w.nextDelivery = 0;
            w.leading = false;
        }
        long hwm = raft.highWatermark();
        if (hwm < w.highWatermark) {
            fail("node " + n.id + " high watermark went back from " + w.highWatermark + " to " + hwm);
        }
        w.highWatermark = hwm;

        long changedFrom = n.log.takeLowestChange();
        checkLogMatching(n, changedFrom);
        long from = Math.max(n.log.startOffset(), Math.min(changedFrom, w.checkedCommittedUpTo));
        for (long o = from; o < Math.min(hwm, n.log.endOffset()); o++) {
            expectCommitted(n, o, "committed entry changed");
        }
        w.checkedCommittedUpTo = hwm;

        maxEpoch = Math.max(maxEpoch, raft.epoch());
        if (raft.role() == Role.LEADER) {
            Integer other = leaderOfEpoch.putIfAbsent(raft.epoch(), n.id);
            if (other != null && other != n.id) {
                fail("two leaders in epoch " + raft.epoch() + ": " + other + " and " + n.id);
            }
            if (!w.leading && !raft.voterSet().contains(n.id)) {
                fail("node " + n.id + " leads epoch " + raft.epoch() + " but is not in its voter set "
                        + raft.voterSet().ids());
            }
            if (!w.leading) {
                // Leader completeness: a new leader holds every entry committed so far.
                for (long o = n.log.startOffset(); o < committed.size(); o++) {
                    expectCommitted(n, o, "new leader of epoch " + raft.epoch() + " lacks committed entry");
                }
            }
        }
        w.leading = raft.role() == Role.LEADER;
        checkDeliveries(n, w);
    }

    /** Same offset and epoch means same entry and same previous epoch: by induction, same prefix. */
    private void checkLogMatching(SimNode n, long changedFrom) {
        MemoryRaftLog log = n.log;
        for (long o = Math.max(changedFrom, log.startOffset()); o < log.endOffset(); o++) {
            LogEntry e = log.entry(o);
            Seen mine = new Seen(e, LogQueries.epochAt(log, o - 1));
            Seen first = seen.putIfAbsent(new OffsetAndEpoch(o, e.epoch()), mine);
            if (first != null && (!first.entry.sameAs(e) || first.previousEpoch != mine.previousEpoch)) {
                fail("log matching: node " + n.id + " has " + e + " after epoch " + mine.previousEpoch
                        + " but another log had " + first.entry + " after epoch " + first.previousEpoch);
            }
        }
    }

    private void expectCommitted(SimNode n, long o, String what) {
        if (o >= n.log.endOffset() || !n.log.entry(o).sameAs(committed.get((int) o))) {
            fail(what + ": node " + n.id + " at " + o + " has "
                    + (o < n.log.endOffset() ? n.log.entry(o) : "nothing") + ", committed " + committed.get((int) o));
        }
    }

    /** The application sees exactly the committed records, in order, after at most a snapshot. */
    private void checkDeliveries(SimNode n, Watch w) {
        for (SimApp.Event event : n.app.drainEvents()) {
            if (event instanceof SimApp.Loaded l) {
                if (l.endOffset() < w.nextDelivery || l.endOffset() > committed.size()
                        || digestBefore.get((int) l.endOffset()) != l.digest()) {
                    fail("node " + n.id + " loaded a snapshot up to " + l.endOffset()
                            + " that does not match the committed log (next delivery " + w.nextDelivery + ")");
                }
                w.nextDelivery = l.endOffset();
                snapshotLoads++;
            } else if (event instanceof SimApp.Committed c) {
                long o = c.offset();
                if (o < w.nextDelivery || o >= committed.size() || committed.get((int) o).control()
                        || !Arrays.equals(committed.get((int) o).data(), c.record())) {
                    fail("node " + n.id + " delivered offset " + o + " out of order or not as committed");
                }
                for (long skipped = w.nextDelivery; skipped < o; skipped++) {
                    if (!committed.get((int) skipped).control()) {
                        fail("node " + n.id + " skipped committed record at " + skipped);
                    }
                }
                w.nextDelivery = o + 1;
            }
        }
    }

    private static void fail(String message) {
        throw new SimulationFailure(message);
    }
}
