package io.sluice.cli;

import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List consumer group ids, one per line, sorted.")
public class GroupsListCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    public GroupsListCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            var groups = GroupsSupport.call(null, () -> admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get());
            TreeSet<String> ids = new TreeSet<>();
            groups.stream().map(GroupListing::groupId).forEach(ids::add);
            ids.forEach(io.out()::println);
        }
        return 0;
    }
}
