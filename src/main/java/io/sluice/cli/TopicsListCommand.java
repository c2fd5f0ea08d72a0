package io.sluice.cli;

import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List topic names, one per line, sorted.")
public class TopicsListCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--exclude-internal", description = "Leave out internal topics such as __consumer_offsets.")
    boolean excludeInternal;

    public TopicsListCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            var names = admin.listTopics(new ListTopicsOptions().listInternal(!excludeInternal)).names().get();
            new TreeSet<>(names).forEach(io.out()::println);
        }
        return 0;
    }
}
