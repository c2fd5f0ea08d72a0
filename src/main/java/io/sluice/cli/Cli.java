package io.sluice.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Builds the {@code sluice} command tree and runs it with Sluice's error and exit-code conventions. */
public final class Cli {
    /** A command finished but failed (Kafka tools use 1 too). */
    public static final int ERROR = 1;
    /** The arguments were wrong; nothing was done. */
    public static final int USAGE = 2;

    private Cli() {}

    /** Runs one command line and returns its exit code; nothing here calls System.exit. */
    public static int execute(Io io, String... args) {
        return commandLine(io, new CommandFactory(io)).execute(args);
    }

    /** The whole command tree. */
    static CommandLine commandLine(Io io, CommandLine.IFactory factory) {
        return withConventions(new CommandLine(SluiceCommand.class, factory), io);
    }

    /**
     * {@code sluice serve} alone, for the Quarkus path, which only ever serves (SluiceMain sends every
     * other command line, help included, to {@link CliMain}): building the whole tree costs picocli's
     * annotation scan of every command, on the start-up path of the broker (issue 7).
     */
    static CommandLine serveCommandLine(Io io, ServeCommand serve) {
        CommandLine cli = new CommandLine(serve);
        cli.setCommandName("sluice serve");
        return withConventions(cli, io);
    }

    private static CommandLine withConventions(CommandLine cli, Io io) {
        cli.setOut(io.out());
        cli.setErr(io.err());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            ErrorReporter.report(e, io.err());
            return ERROR;
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine failed = e.getCommandLine();
            String message = e.getMessage().startsWith("Error: ") ? e.getMessage().substring(7) : e.getMessage();
            io.err().println("Error: " + message);
            // "Did you mean: topics?" for a mistyped command or option.
            CommandLine.UnmatchedArgumentException.printSuggestions(e, io.err());
            io.err().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            io.err().flush();
            return USAGE;
        });
        return cli;
    }

    /** Creates command objects, handing {@link Io} to those whose constructor takes it. */
    static final class CommandFactory implements CommandLine.IFactory {
        private final Io io;

        CommandFactory(Io io) {
            this.io = io;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                Constructor<K> withIo = cls.getDeclaredConstructor(Io.class);
                return withIo.newInstance(io);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
