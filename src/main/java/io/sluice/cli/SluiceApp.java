package io.sluice.cli;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.util.Arrays;

/** The Quarkus application behind {@code sluice serve}: the serve command with its CDI beans. */
@Dependent
public class SluiceApp implements QuarkusApplication {
    @Inject
    ServeCommand serve;

    @Override
    public int run(String... args) {
        // SluiceMain boots Quarkus only for "sluice" and "sluice serve [file]": what follows "serve" is the serve command's.
        String[] serveArgs = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        return Cli.serveCommandLine(Io.system(), serve).execute(serveArgs);
    }
}
