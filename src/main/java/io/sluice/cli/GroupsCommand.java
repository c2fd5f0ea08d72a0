package io.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice groups}: kafka-consumer-groups as subcommands. */
@Command(name = "groups", mixinStandardHelpOptions = true,
        description = "List, describe, reset the offsets of, and delete consumer groups.",
        subcommands = {GroupsListCommand.class, GroupsDescribeCommand.class, GroupsResetOffsetsCommand.class,
                GroupsDeleteCommand.class})
public class GroupsCommand {
}
