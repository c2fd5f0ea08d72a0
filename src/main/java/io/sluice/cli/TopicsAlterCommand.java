package io.sluice.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "alter", mixinStandardHelpOptions = true,
        description = "Add partitions to a topic and set or remove its config overrides.")
public class TopicsAlterCommand implements Callable<Integer> {
    private final Io io;

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, description = "The topic to alter.")
    String topic;

    @Option(names = "--partitions", description = "The new total number of partitions (can only grow).")
    Integer partitions;

    @Option(names = "--config", paramLabel = "<key=value>", description = "Set a topic config override; repeatable.")
    List<String> configs;

    @Option(names = "--delete-config", paramLabel = "<key>", description = "Remove a topic config override; repeatable.")
    List<String> deleteConfigs;

    public TopicsAlterCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> set = KeyValues.parse(configs, "--config");
        List<String> delete = deleteConfigs == null ? List.of() : deleteConfigs;
        if (partitions == null && set.isEmpty() && delete.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Nothing to alter: give --partitions, --config or --delete-config");
        }
        try (Admin admin = client.admin()) {
            if (partitions != null) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all().get();
                io.out().println("Topic " + topic + " now has " + partitions + " partitions.");
            }
            if (!set.isEmpty() || !delete.isEmpty()) {
                List<AlterConfigOp> ops = new ArrayList<>();
                set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                delete.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get();
                io.out().println("Updated the configs of topic " + topic + ".");
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new CliException("Topic '" + topic + "' does not exist as expected");
            }
            throw e;
        }
        return 0;
    }
}
