package io.sluice.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

/**
 * The process entry point ({@code java -jar quarkus-run.jar ...}). Only {@code serve} (or no
 * arguments) boots Quarkus; every other command runs in {@link CliMain} without it. Booting
 * Quarkus for {@code sluice topics list} would bind the management port (9000, fixed at
 * build time to be enabled) and collide with a broker running on the same host.
 */
@QuarkusMain
public class SluiceMain {
    private static final Set<String> HELP = Set.of("-h", "--help", "-V", "--version");

    public static void main(String... args) {
        if (servesBroker(args)) {
            StartupWarmup.start();
            Quarkus.run(SluiceApp.class, args);
        } else {
            CliMain.main(args);
        }
    }

    /** {@code sluice} and {@code sluice serve [file]} start a broker; {@code sluice serve --help} does not. */
    static boolean servesBroker(String... args) {
        if (args.length == 0) {
            return true;
        }
        if (!args[0].equals("serve")) {
            return false;
        }
        for (String arg : args) {
            if (HELP.contains(arg)) {
                return false;
            }
        }
        return true;
    }
}
