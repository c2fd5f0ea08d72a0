package io.sluice.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Moves a group's committed offsets, as kafka-consumer-groups --reset-offsets does. Dry run unless
 * {@code --execute}; refused while the group has members (they would overwrite the reset).
 */
@Command(name = "reset-offsets", mixinStandardHelpOptions = true,
        description = {"Reset a consumer group's committed offsets (the group must have no active members).",
                "Prints the new offsets; nothing changes without --execute."})
public class GroupsResetOffsetsCommand implements Callable<Integer> {
    private static final Set<GroupState> INACTIVE = Set.of(GroupState.EMPTY, GroupState.DEAD);

    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--group", required = true, description = "The group whose offsets to reset.")
    String group;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Scope scope;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @ArgGroup(exclusive = true)
    Mode mode;

    static class Scope {
        @Option(names = "--topic", paramLabel = "<topic[:p1,p2]>",
                description = "A topic, or some of its partitions; repeatable.")
        List<String> topics;

        @Option(names = "--all-topics", description = "Every topic the group has committed offsets for.")
        boolean allTopics;
    }

    static class Target {
        @Option(names = "--to-earliest", description = "The earliest offset still in the log.")
        boolean earliest;

        @Option(names = "--to-latest", description = "The log end offset.")
        boolean latest;

        @Option(names = "--to-offset", paramLabel = "<n>", description = "This offset (kept within the log's range).")
        Long offset;

        @Option(names = "--shift-by", paramLabel = "<n>", description = "The committed offset plus n (n may be negative).")
        Long shiftBy;
    }

    static class Mode {
        @Option(names = "--dry-run", description = "Only print the new offsets (the default).")
        boolean dryRun;

        @Option(names = "--execute", description = "Commit the new offsets.")
        boolean execute;
    }

    public GroupsResetOffsetsCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        boolean execute = mode != null && mode.execute;
        try (Admin admin = client.admin()) {
            ConsumerGroupDescription description = GroupsSupport.call(group,
                    () -> admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get());
            if (!INACTIVE.contains(description.groupState())) {
                throw new CliException("Assignments can only be reset if the group '" + group
                        + "' is inactive, but the current state is " + description.groupState() + ".");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = GroupsSupport.call(group,
                    () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            List<TopicPartition> partitions = partitions(admin, committed);
            Map<TopicPartition, Long> newOffsets = newOffsets(admin, partitions, committed);

            Table table = new Table("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
            newOffsets.forEach((tp, offset) -> table.add(group, tp.topic(), tp.partition(), offset));
            io.out().println();
            table.print(io.out());
            if (execute) {
                Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
                newOffsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
                GroupsSupport.call(group, () -> admin.alterConsumerGroupOffsets(group, commit).all().get());
                io.err().println("Reset the offsets of " + commit.size() + " partitions of group " + group + ".");
            } else {
                io.err().println("Dry run: nothing was changed. Add --execute to commit these offsets.");
            }
        }
        return 0;
    }

    private List<TopicPartition> partitions(Admin admin, Map<TopicPartition, OffsetAndMetadata> committed) throws Exception {
        if (scope.allTopics) {
            return new ArrayList<>(committed.keySet());
        }
        List<TopicPartition> result = new ArrayList<>();
        List<String> wholeTopics = new ArrayList<>();
        for (String spec : scope.topics) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                wholeTopics.add(spec);
                continue;
            }
            String topic = spec.substring(0, colon);
            for (String p : spec.substring(colon + 1).split(",")) {
                try {
                    result.add(new TopicPartition(topic, Integer.parseInt(p.trim())));
                } catch (NumberFormatException e) {
                    throw new CliException("Invalid partition '" + p + "' in --topic " + spec);
                }
            }
        }
        if (!wholeTopics.isEmpty()) {
            Map<String, TopicDescription> described;
            try {
                described = admin.describeTopics(wholeTopics).allTopicNames().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                    throw new CliException("Topic " + wholeTopics + " does not exist: " + e.getCause().getMessage());
                }
                throw e;
            }
            described.values().forEach(d -> d.partitions().forEach(p -> result.add(new TopicPartition(d.name(), p.partition()))));
        }
        return result;
    }

    /** The target offset of each partition, kept within [earliest, latest] as Kafka's tool does. */
    private Map<TopicPartition, Long> newOffsets(Admin admin, List<TopicPartition> partitions,
            Map<TopicPartition, OffsetAndMetadata> committed) throws Exception {
        Map<TopicPartition, Long> earliest = PartitionOffsets.earliest(admin, partitions, io.err());
        Map<TopicPartition, Long> latest = PartitionOffsets.latest(admin, partitions, io.err());
        Map<TopicPartition, Long> result = new TreeMap<>(
                Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition tp : partitions) {
            long low = earliest.get(tp);
            long high = latest.get(tp);
            long wanted;
            if (target.earliest) {
                wanted = low;
            } else if (target.latest) {
                wanted = high;
            } else if (target.offset != null) {
                wanted = target.offset;
            } else {
                OffsetAndMetadata current = committed.get(tp);
                if (current == null) {
                    throw new CliException("No committed offset for " + tp + " in group " + group
                            + ": --shift-by needs one (use --to-earliest, --to-latest or --to-offset)");
                }
                wanted = current.offset() + target.shiftBy;
            }
            result.put(tp, Math.max(low, Math.min(high, wanted)));
        }
        return result;
    }
}
