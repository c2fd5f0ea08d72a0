package io.sluice.raft.sim;

import io.sluice.raft.LogEntry;
import io.sluice.raft.RaftConfig;
import io.sluice.raft.Voter;
import io.sluice.raft.VoterSet;
import io.sluice.raft.VoterSetCodec;
import io.sluice.raft.RaftNode;
import io.sluice.raft.Role;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

/**
 * One seeded run: 3 or 5 voters and an observer under a fault phase (crashes with lost unflushed
 * writes, symmetric and one-way partitions, loss, duplication, delay), then a healed phase in which
 * a leader must emerge and commit again. Clients append throughout. Safety is checked after every
 * event; liveness at the end.
 *
 * <p>Odd seeds run a dynamic quorum (KIP-853): the initial voters find their voter set in the first
 * entry of their logs, nodes reach the leader through bootstrap servers, and during the fault phase
 * the leader is asked to add a spare controller or remove a voter (itself included), one change at a time.
 */
public final class Simulation {

    static final int OBSERVER = 100;
    private static final long MAX_TICK_GAP_MS = 20;

    /** Lengths of the two phases, in simulated milliseconds. */
    public record Plan(long faultMs, long healedMs) {
        public static final Plan DEFAULT = new Plan(2000, 1500);
    }

    private final long seed;
    private final Plan plan;
    private final Random random;
    private final SimScheduler scheduler = new SimScheduler(Integer.getInteger("sim.trace", 120));
    private final SimNetwork network;
    private final InvariantChecker checker = new InvariantChecker();
    private final Map<Integer, SimNode> nodes = new TreeMap<>();
    private final List<SimNode> nodeList;
    private final Map<Integer, String> voters = new TreeMap<>();
    private final boolean dynamic;
    /** A dynamic quorum's controller that is not a voter now: the next one to add. */
    private int spare = -1;
    private int voterChanges;
    private int nextRecord;
    /** First offset acknowledged for an append submitted after the faults healed, or -1. */
    private long healedCommit = -1;

    public Simulation(long seed, Plan plan) {
        this.seed = seed;
        this.plan = plan;
        this.random = new Random(seed);
        this.network = new SimNetwork(scheduler, random, this::deliver, 1 + random.nextInt(30));
        int voterCount = random.nextBoolean() ? 3 : 5;
        this.dynamic = seed % 2 == 1;
        for (int id = 1; id <= voterCount; id++) {
            voters.put(id, "sim:" + id);
            nodes.put(id, new SimNode(id));
        }
        if (dynamic) {
            byte[] initial = VoterSetCodec.encode(voterSet(voters.keySet()));
            nodes.values().forEach(n -> {
                n.log.append(new LogEntry(0, 0, true, initial)); // what `storage format` writes
                n.log.flush();
            });
            spare = voterCount + 1;
            nodes.put(spare, new SimNode(spare));
        }
        nodes.put(OBSERVER, new SimNode(OBSERVER));
        nodeList = List.copyOf(nodes.values());
    }

    /**
     * Runs the seed; throws an AssertionError naming the seed, with a trace, on any violation.
     * Returns what the run exercised.
     */
    public InvariantChecker.Coverage run() {
        try {
            for (SimNode n : nodeList) {
                start(n);
                scheduleTicks(n, random.nextInt((int) MAX_TICK_GAP_MS));
            }
            scheduleFault(random.nextInt(200));
            scheduleClient(random.nextInt(20));
            if (dynamic) {
                scheduleVoterChange(100 + random.nextInt(300));
            }
            scheduler.at(plan.faultMs(), "HEAL all", this::healAll);
            long end = plan.faultMs() + plan.healedMs();
            while (scheduler.runNext(end)) {
                checker.afterStep(nodeList);
            }
            checkLiveness();
            return checker.coverage(voterChanges);
        } catch (RuntimeException e) { // a SimulationFailure or a node that threw
            throw new AssertionError("seed " + seed + " failed at t=" + scheduler.now() + ": " + e
                    + "\nreplay: -Dsim.seed=" + seed + "\nlast events:\n" + scheduler.trace()
                    + "state: " + describeNodes(), e);
        }
    }

    private void start(SimNode n) {
        n.start(config(n.id), (to, message) -> network.send(n.id, bootstrapTarget(to), message), seed,
                scheduler.now());
    }

    private RaftConfig config(int id) {
        if (!dynamic) {
            return new RaftConfig(id, voters, 100, 100, 250, 80, 120, 20, 5, 20, 30, 5);
        }
        // A dynamic quorum's snapshot starts with its voter set (~25 bytes a voter): larger chunks keep the
        // number of chunks per snapshot, hence the time a download takes, close to the static runs'.
        return new RaftConfig(id, voters, 100, 100, 250, 80, 120, 20, 5, 20, 30, 40)
                .dynamic(directoryId(id), List.copyOf(voters.values()));
    }

    /** A bootstrap server's stand-in id (-2 - index) is the initial voter at that index. */
    private int bootstrapTarget(int to) {
        return to <= -2 ? List.copyOf(voters.keySet()).get(-2 - to) : to;
    }

    private static String directoryId(int id) {
        return "dir-" + id;
    }

    private static VoterSet voterSet(Iterable<Integer> ids) {
        Map<Integer, Voter> set = new TreeMap<>();
        for (int id : ids) {
            set.put(id, new Voter(id, directoryId(id), List.of(new Voter.Endpoint("CONTROLLER", "sim:" + id))));
        }
        return new VoterSet(set);
    }

    // ---------------------------------------------------------------- voter changes

    private void scheduleVoterChange(long at) {
        if (at >= plan.faultMs()) {
            return;
        }
        scheduler.at(at, "voter change", () -> {
            changeVoters();
            scheduleVoterChange(scheduler.now() + 50 + random.nextInt(300));
        });
    }

    /** Adds the spare if it is not a voter, else removes a random voter, which becomes the spare. */
    private void changeVoters() {
        Optional<SimNode> leader = currentLeader();
        if (leader.isEmpty()) {
            return;
        }
        RaftNode raft = leader.get().raft;
        if (!raft.voterSet().contains(spare)) {
            int adding = spare;
            scheduler.note("ADD VOTER " + adding + " via " + leader.get().id);
            raft.addVoter(voterSet(List.of(adding)).voters().get(adding)).thenRun(() -> voterChanges++);
        } else {
            List<Integer> ids = List.copyOf(raft.voterSet().ids());
            int removing = ids.get(random.nextInt(ids.size()));
            scheduler.note("REMOVE VOTER " + removing + " via " + leader.get().id);
            raft.removeVoter(removing, directoryId(removing)).thenRun(() -> {
                voterChanges++;
                spare = removing;
            });
        }
    }

    private void deliver(int to, io.sluice.raft.RaftMessage message) {
        SimNode n = nodes.get(to);
        if (n.up()) {
            n.raft.handle(message, scheduler.now());
        }
    }

    private void scheduleTicks(SimNode n, long at) {
        scheduler.at(at, new Object() {
            @Override
            public String toString() {
                return "tick " + n.id;
            }
        }, () -> {
            if (n.up()) {
                n.raft.tick(scheduler.now());
            }
            // Irregular ticks (a busy or paused process) widen the windows in which state is unflushed.
            scheduleTicks(n, scheduler.now() + 1 + random.nextInt((int) MAX_TICK_GAP_MS));
        });
    }

    // ---------------------------------------------------------------- faults

    private void scheduleFault(long at) {
        if (at >= plan.faultMs()) {
            return;
        }
        scheduler.at(at, "fault", () -> {
            injectFault();
            scheduleFault(scheduler.now() + 10 + random.nextInt(120));
        });
    }

    private void injectFault() {
        // The leader is where faults hurt most: pick it a third of the time.
        SimNode n = currentLeader().filter(l -> random.nextInt(3) == 0)
                .orElse(nodeList.get(random.nextInt(nodeList.size())));
        SimNode other = nodeList.get(random.nextInt(nodeList.size()));
        switch (random.nextInt(11)) {
            case 0, 1 -> {
                if (n.up()) {
                    scheduler.note("CRASH " + n.id);
                    n.crash(random);
                }
            }
            case 2, 3 -> {
                if (!n.up()) {
                    scheduler.note("RESTART " + n.id);
                    start(n);
                }
            }
            case 4 -> {
                scheduler.note("ISOLATE " + n.id);
                nodeList.forEach(o -> {
                    network.cut(n.id, o.id);
                    network.cut(o.id, n.id);
                });
            }
            case 5 -> {
                scheduler.note("CUT " + n.id + "->" + other.id);
                network.cut(n.id, other.id);
            }
            case 6 -> {
                scheduler.note("MUTE " + n.id + " (sends nothing, still receives)");
                nodeList.forEach(o -> network.cut(n.id, o.id));
            }
            case 10 -> {
                if (n.up()) {
                    // A quick bounce: back before the election it may have voted in is over.
                    scheduler.note("BOUNCE " + n.id);
                    n.crash(random);
                    scheduler.at(scheduler.now() + 1 + random.nextInt(30), "RESTART " + n.id, () -> {
                        if (!n.up()) {
                            start(n);
                        }
                    });
                }
            }
            case 7, 8 -> {
                scheduler.note("HEAL network");
                network.healAll();
            }
            default -> {
                double drop = new double[] {0, 0.05, 0.2, 0.5}[random.nextInt(4)];
                double duplicate = new double[] {0, 0.05, 0.2}[random.nextInt(3)];
                scheduler.note("LOSSY drop=" + drop + " duplicate=" + duplicate);
                network.setLossy(drop, duplicate);
            }
        }
    }

    private void healAll() {
        network.healAll();
        network.setLossy(0, 0);
        nodeList.stream().filter(n -> !n.up()).forEach(this::start);
    }

    // ---------------------------------------------------------------- clients

    private void scheduleClient(long at) {
        scheduler.at(at, "client", () -> {
            submit();
            scheduleClient(scheduler.now() + 3 + random.nextInt(30));
        });
    }

    private void submit() {
        List<SimNode> up = nodeList.stream().filter(SimNode::up).toList();
        if (up.isEmpty()) {
            return;
        }
        Optional<SimNode> leader = currentLeader();
        SimNode target = leader.isPresent() && random.nextInt(5) > 0 ? leader.get() : up.get(random.nextInt(up.size()));
        List<byte[]> records = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            records.add(("r" + nextRecord++).getBytes(StandardCharsets.UTF_8));
        }
        boolean afterHeal = scheduler.now() >= plan.faultMs();
        target.raft.append(records).thenAccept(lastOffset -> {
            checker.acknowledged(records, lastOffset);
            if (afterHeal && healedCommit < 0) {
                healedCommit = lastOffset;
            }
        });
    }

    private Optional<SimNode> currentLeader() {
        return nodeList.stream().filter(n -> n.up() && n.raft.role() == Role.LEADER)
                .max(Comparator.comparingInt(n -> n.raft.epoch()));
    }

    // ---------------------------------------------------------------- liveness

    private void checkLiveness() {
        if (currentLeader().isEmpty()) {
            throw new SimulationFailure("no leader " + plan.healedMs() + " ms after the faults healed");
        }
        if (healedCommit < 0) {
            throw new SimulationFailure("nothing committed in the " + plan.healedMs() + " ms after the faults healed");
        }
        for (SimNode n : nodeList) {
            if (n.raft.highWatermark() <= healedCommit) {
                throw new SimulationFailure("node " + n.id + " did not catch up after the faults healed: high watermark "
                        + n.raft.highWatermark() + ", healed commit at " + healedCommit);
            }
        }
    }

    private String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : nodeList) {
            sb.append("\n  node ").append(n.id);
            if (!n.up()) {
                sb.append(" down");
                continue;
            }
            RaftNode r = n.raft;
            sb.append(' ').append(r.role()).append(" epoch=").append(r.epoch()).append(" leader=").append(r.leaderId())
                    .append(" hwm=").append(r.highWatermark()).append(" log=[").append(n.log.startOffset()).append(',')
                    .append(n.log.endOffset()).append(") flushed=").append(n.log.flushedEndOffset());
        }
        sb.append("\n  committed end ").append(checker.committedEnd());
        return sb.toString();
    }
}
