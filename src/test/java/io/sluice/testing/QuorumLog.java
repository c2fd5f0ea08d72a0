package io.sluice.testing;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a controller's Raft role changes from its log: RaftBackend logs
 * "Metadata quorum member N is ROLE in epoch E (leader L)" on every change of role or epoch. The
 * log is the node's own account, so it also shows what a frozen or killed node believed.
 */
public final class QuorumLog {
    private static final Pattern ROLE_LINE =
            Pattern.compile("Metadata quorum member (\\d+) is (\\w+) in epoch (\\d+) \\(leader (-?\\d+)\\)");

    private QuorumLog() {
    }

    /** One role change as logged. */
    public record RoleChange(int nodeId, String role, int epoch, int leaderId) {
        public boolean isLeader() {
            return role.equals("LEADER");
        }
    }

    /** The node's latest role in its current life, if it logged one. */
    public static Optional<RoleChange> latest(NodeProcess node) {
        List<String> lines = node.currentLifeLines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            Optional<RoleChange> change = parse(lines.get(i));
            if (change.isPresent()) {
                return change;
            }
        }
        return Optional.empty();
    }

    /** Epoch → the nodes that logged becoming its leader, over every life of every node given. */
    public static Map<Integer, Set<Integer>> leaderClaims(Collection<NodeProcess> nodes) {
        Map<Integer, Set<Integer>> claims = new TreeMap<>();
        for (NodeProcess node : nodes) {
            for (String line : node.allLines()) {
                parse(line).filter(RoleChange::isLeader)
                        .ifPresent(c -> claims.computeIfAbsent(c.epoch(), e -> new TreeSet<>()).add(c.nodeId()));
            }
        }
        return claims;
    }

    static Optional<RoleChange> parse(String line) {
        Matcher m = ROLE_LINE.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new RoleChange(Integer.parseInt(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4))));
    }
}
