package io.sluice.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package boundaries of ARCHITECTURE.md real by reading every main source file's imports
 * (fully qualified references count too): the storage engine knows nothing of the network, the
 * protocol or the metadata; consensus knows nothing of brokers; only the metadata package knows
 * which metadata backend runs; the network layer knows nothing of the Kafka API.
 */
class PackageBoundariesTest {
    private static final Path MAIN = Path.of("src/main/java/io/sluice");
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.sluice\\.([a-z.]+?)\\.[A-Z]");

    private record Rule(String from, List<String> forbidden, String why) {}

    private static final List<Rule> RULES = List.of(
            new Rule("client", List.of("network", "protocol", "metadata", "replica", "server", "controller", "coordinator", "log", "raft"),
                    "the inter-broker client speaks the Kafka protocol and nothing else"),
            new Rule("log", List.of("network", "protocol", "metadata", "replica", "server", "controller", "coordinator", "raft"),
                    "the storage engine stands alone"),
            new Rule("raft", List.of("network", "protocol", "metadata", "replica", "server", "controller", "coordinator", "log"),
                    "raft knows nothing of brokers"),
            new Rule("network", List.of("protocol", "replica", "log", "metadata", "controller", "coordinator"),
                    "the network layer frames bytes; it does not know the Kafka API"),
            new Rule("protocol", List.of("metadata.kraft", "metadata.zk"), "only metadata knows which backend runs"),
            new Rule("replica", List.of("metadata.kraft", "metadata.zk", "protocol", "network"), "only metadata knows which backend runs"),
            new Rule("controller", List.of("metadata.kraft", "metadata.zk", "protocol", "network"), "only metadata knows which backend runs"),
            new Rule("server", List.of("metadata.kraft", "metadata.zk"), "only metadata knows which backend runs"),
            new Rule("coordinator", List.of("metadata.kraft", "metadata.zk"), "only metadata knows which backend runs"));

    @Test
    void packagesOnlyReferenceWhatTheArchitectureAllows() throws IOException {
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                String source = Files.readString(file);
                for (Rule rule : RULES) {
                    if (!pkg.equals(rule.from()) && !pkg.startsWith(rule.from() + ".")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(source);
                    while (m.find()) {
                        String target = m.group(1);
                        for (String forbidden : rule.forbidden()) {
                            if (target.equals(forbidden) || target.startsWith(forbidden + ".")) {
                                violations.add(file + " uses io.sluice." + target + " (" + rule.why() + ")");
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
