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
        return commandLine(io, new CommandFactory(io, null)).execute(args);
    }

    /** The tree with the given factory (the Quarkus path supplies the CDI-managed serve command). */
    static CommandLine commandLine(Io io, CommandLine.IFactory factory) {
        CommandLine cli = new CommandLine(SluiceCommand.class, factory);
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

    /**
     * Creates command objects, handing {@link Io} to those whose constructor takes it, and the
     * given instance of ServeCommand (CDI-managed under Quarkus) when there is one.
     */
    static final class CommandFactory implements CommandLine.IFactory {
        private final Io io;
        private final Object serve;

        CommandFactory(Io io, Object serve) {
            this.io = io;
            this.serve = serve;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (serve != null && cls.isInstance(serve)) {
                return cls.cast(serve);
            }
            try {
                Constructor<K> withIo = cls.getDeclaredConstructor(Io.class);
                return withIo.newInstance(io);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
