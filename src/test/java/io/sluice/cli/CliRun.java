package io.sluice.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs one {@code sluice} command line in-process and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(String... args) {
        return withInput("", Map.of(), args);
    }

    static CliRun withInput(String stdin, String... args) {
        return withInput(stdin, Map.of(), args);
    }

    static CliRun withInput(String stdin, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env);
        int code = Cli.execute(io, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
