package io.sluice.deploy;

import static io.sluice.deploy.DeployFiles.DATA_DIR;
import static io.sluice.deploy.DeployFiles.ROOT;
import static io.sluice.deploy.DeployFiles.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The images cannot be built here (no Docker engine), so their Dockerfiles are checked as text:
 * non-root numeric user, any-UID permissions, ports, data volume, entrypoint and the jar layout.
 */
class DockerfileTest {
    /** One instruction: keyword and its argument text, continuation lines joined. */
    record Instruction(String keyword, String args) {}

    static List<Instruction> parse(String relative) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : read(relative).split("\n")) {
            String line = raw.strip();
            if (pending.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.startsWith("#")) {
                continue; // comment inside a continued instruction
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String text = pending.toString().strip();
            pending.setLength(0);
            int space = text.indexOf(' ');
            out.add(space < 0 ? new Instruction(text.toUpperCase(), "")
                    : new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1).strip()));
        }
        return out;
    }

    static List<String> all(List<Instruction> df, String keyword) {
        return df.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
    }

    static String last(List<Instruction> df, String keyword) {
        List<String> found = all(df, keyword);
        assertFalse(found.isEmpty(), "no " + keyword);
        return found.get(found.size() - 1);
    }

    /** Exec-form JSON array of plain strings, as Docker reads ENTRYPOINT ["a", "b"]. */
    static List<String> execForm(String args) {
        assertTrue(args.startsWith("[") && args.endsWith("]"), "not exec form: " + args);
        String body = args.substring(1, args.length() - 1).strip();
        if (body.isEmpty()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String part : body.split("\",\\s*\"")) {
            items.add(part.replaceAll("^\\s*\"", "").replaceAll("\"\\s*$", ""));
        }
        return items;
    }

    static void assertCommonContract(List<Instruction> df, String name) {
        assertTrue(last(df, "FROM").startsWith("registry.access.redhat.com/ubi9/"), name + ": UBI 9 base");

        // Non-root, numeric (Kubernetes' runAsNonRoot can only verify a numeric USER), last word.
        String user = last(df, "USER");
        String uid = user.split(":")[0];
        assertTrue(uid.matches("\\d+"), name + ": USER must be numeric, was " + user);
        assertNotEquals("0", uid, name + ": must not run as root");
        int lastUser = -1;
        for (int i = 0; i < df.size(); i++) {
            if (df.get(i).keyword().equals("USER")) {
                lastUser = i;
            }
        }
        for (Instruction after : df.subList(lastUser + 1, df.size())) {
            assertFalse(after.keyword().equals("RUN") || after.keyword().equals("COPY"),
                    name + ": " + after + " runs after the final USER");
        }

        // Any UID (OpenShift): group 0 owns what the broker writes, with the owner's permissions.
        String runs = String.join("\n", all(df, "RUN"));
        for (String dir : List.of("/opt/sluice", "/var/lib/sluice")) {
            assertTrue(runs.matches("(?s).*chown -R \\d+:0 [^\\n]*" + dir + ".*"), name + ": chown to group 0 of " + dir);
            assertTrue(runs.matches("(?s).*chmod -R g=u [^\\n]*" + dir + ".*"), name + ": chmod g=u of " + dir);
        }
        for (String copy : all(df, "COPY")) {
            assertTrue(copy.matches("--chown=\\d+:0 .*"), name + ": COPY without group-0 ownership: " + copy);
        }

        Set<String> exposed = all(df, "EXPOSE").stream()
                .flatMap(e -> Arrays.stream(e.split("\\s+"))).map(p -> p.replace("/tcp", ""))
                .collect(Collectors.toSet());
        assertEquals(Set.of("9092", "9093", "9000"), exposed, name + ": EXPOSE");

        String volume = last(df, "VOLUME");
        assertTrue(volume.equals(DATA_DIR) || volume.equals("[\"" + DATA_DIR + "\"]"), name + ": VOLUME " + volume);
        // The unconfigured single-node default writes ./data: the working directory puts it in the volume.
        assertEquals(DATA_DIR, last(df, "WORKDIR") + "/data", name + ": ./data must be the volume");
        assertTrue(all(df, "ENV").stream().noneMatch(e -> e.contains("KAFKA_")),
                name + ": a KAFKA_* ENV in the image would switch off the single-node default");
    }

    @Test
    void jvmImage() {
        List<Instruction> df = parse("src/main/docker/Dockerfile.jvm");
        assertCommonContract(df, "Dockerfile.jvm");
        assertTrue(last(df, "FROM").contains("/ubi9/openjdk-17-runtime:"), "JDK 17 runtime image");

        // The aot-jar layout of target/quarkus-app: lib/, app/, quarkus/ and quarkus-run.jar.
        List<String> copies = all(df, "COPY");
        for (String part : List.of("lib/ /opt/sluice/lib/", "*.jar /opt/sluice/", "app/ /opt/sluice/app/",
                "quarkus/ /opt/sluice/quarkus/")) {
            assertTrue(copies.stream().anyMatch(c -> c.endsWith(" target/quarkus-app/" + part)),
                    "COPY target/quarkus-app/" + part);
        }
        Path app = ROOT.resolve("target/quarkus-app");
        if (Files.isDirectory(app)) { // packaged already: the layout really is this
            for (String entry : List.of("quarkus-run.jar", "lib", "app", "quarkus")) {
                assertTrue(Files.exists(app.resolve(entry)), "target/quarkus-app/" + entry);
            }
        }

        List<String> entrypoint = execForm(last(df, "ENTRYPOINT"));
        assertEquals("java", entrypoint.get(0), "ENTRYPOINT runs java directly (PID 1 gets SIGTERM)");
        assertTrue(entrypoint.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), "container heap sizing");
        int jar = entrypoint.indexOf("-jar");
        assertTrue(jar > 0, "-jar");
        assertEquals("/opt/sluice/quarkus-run.jar", entrypoint.get(jar + 1));
        assertEquals(jar + 2, entrypoint.size(), "arguments after the jar belong to CMD");
        assertFalse(entrypoint.stream().anyMatch(a -> a.startsWith("-XX:AOTCache")),
                "a JDK 17 image cannot take -XX:AOTCache (the JVM would refuse to start)");
    }

    @Test
    void nativeImage() {
        List<Instruction> df = parse("src/main/docker/Dockerfile.native");
        assertCommonContract(df, "Dockerfile.native");
        assertTrue(last(df, "FROM").contains("/ubi9/ubi-minimal:"), "ubi-minimal base");
        assertTrue(all(df, "COPY").stream().anyMatch(c -> c.endsWith(" target/*-runner /opt/sluice/sluice")),
                "the native runner from target/");
        assertEquals("/opt/sluice/sluice", execForm(last(df, "ENTRYPOINT")).get(0));
    }

    /** The launcher line of the JVM image, reused by the Kubernetes wrappers. */
    static String jvmCommandLine() {
        return String.join(" ", execForm(last(parse("src/main/docker/Dockerfile.jvm"), "ENTRYPOINT")));
    }
}
