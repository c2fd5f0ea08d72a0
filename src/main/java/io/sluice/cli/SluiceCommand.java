package io.sluice.cli;

import picocli.CommandLine.Command;

/** The top of the command tree; with no subcommand Sluice serves the single-node default. */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "An event-streaming broker that speaks the Apache Kafka protocol.",
        subcommands = {ServeCommand.class, StorageCommand.class, TopicsCommand.class, ProduceCommand.class, ConsumeCommand.class,
                GroupsCommand.class, ClusterCommand.class, QuorumCommand.class})
public class SluiceCommand {
}
