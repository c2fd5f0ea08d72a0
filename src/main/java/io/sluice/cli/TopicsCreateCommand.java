package io.sluice.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
public class TopicsCreateCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, description = "The topic to create.")
    String topic;

    @Option(names = "--partitions", description = "Number of partitions (default: the broker's num.partitions).")
    Integer partitions;

    @Option(names = "--replication-factor", description = "Replicas per partition (default: the broker's default.replication.factor).")
    Short replicationFactor;

    @Option(names = "--config", paramLabel = "<key=value>", description = "A topic config override; repeatable.")
    List<String> configs;

    @Option(names = "--if-not-exists", description = "Succeed without doing anything when the topic exists.")
    boolean ifNotExists;

    public TopicsCreateCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = KeyValues.parse(configs, "--config");
        NewTopic newTopic = new NewTopic(topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
                .configs(overrides);
        try (Admin admin = client.admin()) {
            admin.createTopics(List.of(newTopic)).all().get();
            io.out().println("Created topic " + topic + ".");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException && ifNotExists) {
                return 0;
            }
            if (e.getCause() instanceof TopicExistsException) {
                throw new CliException("Topic '" + topic + "' already exists.");
            }
            throw e;
        }
        return 0;
    }
}
