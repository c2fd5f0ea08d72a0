package io.sluice.deploy;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Shared helpers of the deployment tests: project paths, YAML navigation, the real endpoints. */
final class DeployFiles {
    static final Path ROOT = Path.of(System.getProperty("user.dir"));
    static final int MANAGEMENT_PORT = 9000;
    static final String STARTED = "/q/health/started";
    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";
    static final String METRICS = "/q/metrics";
    static final String DATA_DIR = "/var/lib/sluice/data";

    private DeployFiles() {}

    static Path path(String relative) {
        Path p = ROOT.resolve(relative);
        assertTrue(Files.exists(p), "missing " + p);
        return p;
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> loadMap(String text) {
        return (Map<String, Object>) yaml().load(text);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> loadAll(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /** Follows a path of map keys and list indexes; null when any step is missing. */
    @SuppressWarnings("unchecked")
    static <T> T at(Object node, Object... steps) {
        Object cur = node;
        for (Object step : steps) {
            if (cur == null) {
                return null;
            }
            if (step instanceof Integer i) {
                List<Object> list = (List<Object>) cur;
                cur = i < list.size() ? list.get(i) : null;
            } else {
                cur = ((Map<String, Object>) cur).get(step);
            }
        }
        return (T) cur;
    }

    static <T> T req(Object node, Object... steps) {
        T value = at(node, steps);
        assertNotNull(value, "missing " + List.of(steps));
        return value;
    }

    /**
     * The endpoints the probes and health checks must name, checked against the application
     * itself: the management interface is on and on its default port, and the ops package has a
     * started, a liveness and a readiness check (so /q/health/started|live|ready answer there).
     */
    static void assertRealEndpoints() {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(path("src/main/resources/application.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(Boolean.parseBoolean(props.getProperty("quarkus.management.enabled")),
                "health and metrics are expected on the management interface");
        String port = props.getProperty("quarkus.management.port", "9000");
        assertTrue(port.equals(String.valueOf(MANAGEMENT_PORT)),
                "the management port moved to " + port + ": update the probes, health checks and this test");
        String root = props.getProperty("quarkus.management.root-path", "/q");
        assertTrue(root.equals("/q"), "management root path moved to " + root);
        String ops;
        try (var files = Files.list(path("src/main/java/io/sluice/ops"))) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.toList()) {
                all.append(Files.readString(f));
            }
            ops = all.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String annotation : List.of("@Startup", "@Liveness", "@Readiness")) {
            assertTrue(ops.contains(annotation), "no " + annotation + " health check in io.sluice.ops");
        }
    }

    /** Names referenced as $(NAME) (Kubernetes dependent environment variables). */
    static List<String> references(String value) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static Process start(List<String> command, Path dir) {
        try {
            return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("cannot run " + command + ": " + e.getMessage());
            return null;
        }
    }
}
