package io.sluice.cli;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import jakarta.inject.Inject;
import picocli.CommandLine;

/** The {@code sluice} command: parses the arguments with picocli and runs the chosen subcommand. */
@QuarkusMain
public class SluiceMain implements QuarkusApplication {
    @Inject
    ServeCommand serve;

    @Override
    public int run(String... args) {
        String[] effective = args.length == 0 ? new String[] {"serve"} : args;
        CommandLine cli = new CommandLine(new SluiceCommand())
                .addSubcommand("serve", serve);
        return cli.execute(effective);
    }
}
