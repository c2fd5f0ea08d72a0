package io.sluice.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a group's committed offsets, log end offsets, lag and owning members, as kafka-consumer-groups --describe does.")
public class GroupsDescribeCommand implements Callable<Integer> {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--group", required = true, description = "The group to describe.")
    String group;

    public GroupsDescribeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            ConsumerGroupDescription description = GroupsSupport.call(group,
                    () -> admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get());
            if (description.groupState() == GroupState.DEAD) {
                throw new CliException("Consumer group '" + group + "' does not exist.");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = GroupsSupport.call(group,
                    () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            List<Row> rows = rows(description, committed);
            Set<TopicPartition> partitions = new HashSet<>();
            rows.forEach(r -> partitions.add(r.partition));
            Map<TopicPartition, Long> logEnd = PartitionOffsets.latest(admin, partitions, io.err());

            io.out().println();
            if (description.members().isEmpty()) {
                io.out().println("Consumer group '" + group + "' has no active members.");
                io.out().println();
            }
            Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                    "CONSUMER-ID", "HOST", "CLIENT-ID");
            rows.sort(Comparator.comparing((Row r) -> r.partition, ORDER));
            for (Row r : rows) {
                OffsetAndMetadata current = committed.get(r.partition);
                Long end = logEnd.get(r.partition);
                String lag = current != null && end != null ? Long.toString(Math.max(0, end - current.offset())) : "-";
                table.add(group, r.partition.topic(), r.partition.partition(),
                        current == null ? "-" : current.offset(), end == null ? "-" : end, lag,
                        r.member == null ? "-" : r.member.consumerId(),
                        r.member == null ? "-" : r.member.host(),
                        r.member == null ? "-" : r.member.clientId());
            }
            table.print(io.out());
        }
        return 0;
    }

    /** Assigned partitions with their member, then committed partitions no member owns. */
    private static List<Row> rows(ConsumerGroupDescription description, Map<TopicPartition, OffsetAndMetadata> committed) {
        List<Row> rows = new ArrayList<>();
        Set<TopicPartition> assigned = new HashSet<>();
        for (MemberDescription member : description.members()) {
            for (TopicPartition tp : member.assignment().topicPartitions()) {
                rows.add(new Row(tp, member));
                assigned.add(tp);
            }
        }
        committed.keySet().stream().filter(tp -> !assigned.contains(tp)).forEach(tp -> rows.add(new Row(tp, null)));
        return rows;
    }

    private record Row(TopicPartition partition, MemberDescription member) {}
}
