package io.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice cluster}: the cluster as the brokers see it. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Describe the cluster.",
        subcommands = {ClusterDescribeCommand.class})
public class ClusterCommand {
}
