package io.sluice.cli;

import java.util.Comparator;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Print the cluster id, the active controller and the live brokers.")
public class ClusterDescribeCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    public ClusterDescribeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            DescribeClusterResult cluster = admin.describeCluster();
            String clusterId = cluster.clusterId().get();
            Node controller = cluster.controller().get();
            var nodes = cluster.nodes().get();
            io.out().println("Cluster ID: " + clusterId);
            io.out().println("Controller: " + (controller == null || controller.isEmpty() ? "none" : controller.id()));
            io.out().println("Brokers:");
            Table table = new Table("ID", "HOST", "PORT", "RACK");
            nodes.stream().sorted(Comparator.comparingInt(Node::id))
                    .forEach(n -> table.add(n.id(), n.host(), n.port(), n.hasRack() ? n.rack() : "-"));
            table.print(io.out());
        }
        return 0;
    }
}
