package io.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice quorum}: the metadata (kraft) quorum. */
@Command(name = "quorum", mixinStandardHelpOptions = true, description = "Describe the metadata quorum.",
        subcommands = {QuorumDescribeCommand.class})
public class QuorumCommand {
}
