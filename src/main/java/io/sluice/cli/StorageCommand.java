package io.sluice.cli;

import picocli.CommandLine.Command;

/** {@code sluice storage}: prepares log directories before the first start, like kafka-storage. */
@Command(name = "storage", mixinStandardHelpOptions = true,
        description = "Format storage directories and generate cluster ids.",
        subcommands = {StorageFormatCommand.class, RandomUuidCommand.class})
public class StorageCommand {
}
