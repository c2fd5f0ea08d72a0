package io.sluice.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The process's streams and environment, passed to commands instead of read from {@link System}
 * so that tests run a command in-process and read exactly what it printed.
 */
public record Io(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env) {

    /** The real console: stdout and stderr flush on every println so progress shows as it happens. */
    public static Io system() {
        return new Io(new PrintWriter(new PrintStream(System.out, true, StandardCharsets.UTF_8), true),
                new PrintWriter(new PrintStream(System.err, true, StandardCharsets.UTF_8), true),
                System.in, System.getenv());
    }
}
