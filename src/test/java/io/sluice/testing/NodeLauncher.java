package io.sluice.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/** How a {@link ClusterProcesses} node is made a process from its Kafka-named configuration. */
public interface NodeLauncher {
    /** The node's process (not started); {@code dir} is its own folder for data and log. */
    NodeProcess create(String name, Path dir, Map<String, String> config);

    /** The log line the node prints once it serves. */
    Pattern startedLine(int nodeId);
}
