package io.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice topics}: kafka-topics as subcommands. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create, list, describe, alter and delete topics.",
        subcommands = {TopicsCreateCommand.class, TopicsListCommand.class, TopicsDescribeCommand.class,
                TopicsAlterCommand.class, TopicsDeleteCommand.class})
public class TopicsCommand {
}
