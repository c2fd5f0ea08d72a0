package io.sluice.cli;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** The Quarkus application behind {@code sluice serve}: the serve command with its CDI beans. */
@Dependent
public class SluiceApp implements QuarkusApplication {
    @Inject
    ServeCommand serve;

    @Override
    public int run(String... args) {
        String[] effective = args.length == 0 ? new String[] {"serve"} : args;
        Io io = Io.system();
        return Cli.commandLine(io, new Cli.CommandFactory(io, serve)).execute(effective);
    }
}
