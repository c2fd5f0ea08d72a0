package io.sluice.coordinator.group;

import java.util.List;

/**
 * The {@code group.consumer.*} settings KIP-848 groups obey, under Kafka's names: every member gets
 * the broker's session timeout and heartbeat interval (the client no longer chooses), and the first
 * assignor named is the default when a member asks for none.
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors) {
    public static final ConsumerGroupConfig DEFAULTS =
            new ConsumerGroupConfig(45_000, 5_000, Integer.MAX_VALUE, List.of("uniform", "range"));

    public ConsumerGroupConfig {
        assignors = List.copyOf(assignors);
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors must name at least one assignor");
        }
    }
}
