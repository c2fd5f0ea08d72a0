package io.sluice.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Describe a topic (or all topics): id, partitions, replicas, ISR and non-default configs, as kafka-topics prints them.")
public class TopicsDescribeCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", description = "The topic to describe; all topics when omitted.")
    String topic;

    @Option(names = "--exclude-internal", description = "With no --topic, leave out internal topics.")
    boolean excludeInternal;

    public TopicsDescribeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            List<String> names = topic != null ? List.of(topic)
                    : List.copyOf(new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(!excludeInternal)).names().get()));
            if (names.isEmpty()) {
                return 0;
            }
            Map<String, TopicDescription> descriptions;
            try {
                descriptions = admin.describeTopics(names).allTopicNames().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException && topic != null) {
                    throw new CliException("Topic '" + topic + "' does not exist as expected");
                }
                throw e;
            }
            List<ConfigResource> resources = names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).collect(Collectors.toList());
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            for (String name : names) {
                TopicDescription d = descriptions.get(name);
                io.out().println(TopicDescriptionFormat.topicLine(d, configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name))));
                d.partitions().forEach(p -> io.out().println(TopicDescriptionFormat.partitionLine(name, p)));
            }
        }
        return 0;
    }
}
