package io.sluice.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete consumer groups and their committed offsets (the groups must have no members).")
public class GroupsDeleteCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    @Option(names = "--group", required = true, description = "A group to delete; repeatable.")
    List<String> groups;

    public GroupsDeleteCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            GroupsSupport.call(groups.size() == 1 ? groups.get(0) : null,
                    () -> admin.deleteConsumerGroups(groups).all().get());
        }
        io.out().println("Deletion of requested consumer groups ('" + String.join("', '", groups) + "') was successful.");
        return 0;
    }
}
