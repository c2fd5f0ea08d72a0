package io.sluice.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a topic and all its data.")
public class TopicsDeleteCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", required = true, description = "The topic to delete.")
    String topic;

    @Option(names = "--if-exists", description = "Succeed without doing anything when the topic does not exist.")
    boolean ifExists;

    public TopicsDeleteCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            admin.deleteTopics(List.of(topic)).all().get();
            io.out().println("Deleted topic " + topic + ".");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                if (ifExists) {
                    return 0;
                }
                throw new CliException("Topic '" + topic + "' does not exist as expected");
            }
            throw e;
        }
        return 0;
    }
}
