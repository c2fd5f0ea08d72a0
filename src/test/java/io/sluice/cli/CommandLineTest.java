package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command tree itself: help everywhere, usage errors, and which invocations boot the broker. */
class CommandLineTest {
    @Test
    void everyCommandHasHelp() {
        Io io = new Io(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), System.in, Map.of());
        List<List<String>> paths = new ArrayList<>();
        collect(Cli.commandLine(io, new Cli.CommandFactory(io)), new ArrayList<>(), paths);
        assertTrue(paths.size() >= 20, "all commands are in the tree: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun run = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, run.exitCode(), path + ": " + run);
            assertTrue(run.out().startsWith("Usage: sluice" + (path.isEmpty() ? "" : " " + String.join(" ", path))),
                    path + ": " + run.out());
        }
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        cmd.getSubcommands().forEach((name, sub) -> {
            List<String> next = new ArrayList<>(path);
            next.add(name);
            collect(sub, next, out);
        });
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        CliRun unknown = CliRun.run("tpoics", "list");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().startsWith("Error: Unmatched arguments from index 0: 'tpoics', 'list'"), unknown.err());
        assertTrue(unknown.err().contains("Did you mean: sluice topics"), unknown.err());
        assertTrue(unknown.err().contains("Try 'sluice --help' for more information."), unknown.err());

        CliRun missing = CliRun.run("topics", "create", "--topic", "x");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("Missing required option: '--bootstrap-server=<host:port>'"), missing.err());
        assertTrue(missing.err().contains("Try 'sluice topics create --help'"), missing.err());

        CliRun bad = CliRun.run("topics", "create", "--topic", "x", "--partitions", "many", "--bootstrap-server", "h:1");
        assertEquals(2, bad.exitCode());
        assertFalse(bad.err().contains("\tat "));
    }

    @Test
    void onlyServeBootsTheBroker() {
        assertTrue(SluiceMain.servesBroker());
        assertTrue(SluiceMain.servesBroker("serve"));
        assertTrue(SluiceMain.servesBroker("serve", "config/server.properties"));
        assertFalse(SluiceMain.servesBroker("serve", "--help"));
        assertFalse(SluiceMain.servesBroker("--help"));
        assertFalse(SluiceMain.servesBroker("topics", "list", "--bootstrap-server", "h:9092"));
        assertFalse(SluiceMain.servesBroker("storage", "random-uuid"));
    }

    @Test
    void onlyAnOptionOrASurplusArgumentSendsServeThroughPicocli() {
        assertTrue(SluiceApp.isPlain());
        assertTrue(SluiceApp.isPlain("config/server.properties"));
        assertFalse(SluiceApp.isPlain("--verbose"));
        assertFalse(SluiceApp.isPlain("a.properties", "b.properties"));
    }
}
