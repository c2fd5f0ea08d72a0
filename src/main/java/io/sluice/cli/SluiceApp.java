package io.sluice.cli;

import io.quarkus.runtime.QuarkusApplication;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.nio.file.Path;
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
        if (isPlain(serveArgs)) {
            // picocli builds its model of the command by reflection: tens of milliseconds of every broker
            // start (issue 7) for nothing to parse. Options and surplus arguments still go through it, for
            // its usage errors.
            serve.propertiesFile = serveArgs.length == 0 ? null : Path.of(serveArgs[0]);
            return serve.call();
        }
        return Cli.serveCommandLine(Io.system(), serve).execute(serveArgs);
    }

    /** No arguments, or one that is not an option: the properties file. */
    static boolean isPlain(String... serveArgs) {
        return serveArgs.length == 0 || serveArgs.length == 1 && !serveArgs[0].startsWith("-");
    }
}
