package io.sluice.cli;

/**
 * Entry point for every command except {@code serve}: runs the command and exits without booting
 * Quarkus, so a CLI call binds no port (not even the management interface) and starts fast.
 */
public final class CliMain {
    private CliMain() {}

    public static void main(String[] args) {
        ClientLogging.quiet();
        System.exit(Cli.execute(Io.system(), args));
    }
}
