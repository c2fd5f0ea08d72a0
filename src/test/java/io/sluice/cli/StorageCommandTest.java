package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.raft.FileRaftLog;
import io.sluice.raft.LogEntry;
import io.sluice.raft.VoterSet;
import io.sluice.raft.VoterSetCodec;
import java.util.List;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageCommandTest {
    @TempDir
    Path tmp;

    @Test
    void randomUuidPrintsAKafkaBase64Uuid() {
        CliRun a = CliRun.run("storage", "random-uuid");
        CliRun b = CliRun.run("storage", "random-uuid");
        assertEquals(0, a.exitCode(), a.toString());
        String id = a.out().strip();
        assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
        assertEquals(id, Uuid.fromString(id).toString());
        assertFalse(id.equals(b.out().strip()));
    }

    @Test
    void formatWritesMetaPropertiesToEveryLogDirAndTheMetadataDir() throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        Path config = config(tmp.resolve("a") + "," + tmp.resolve("b"), tmp.resolve("meta").toString(), "broker,controller", "");
        CliRun run = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString());
        assertEquals(0, run.exitCode(), run.toString());
        for (String dir : new String[] {"a", "b", "meta"}) {
            assertEquals(Optional.of(new MetaProperties(clusterId, 3)), MetaProperties.read(tmp.resolve(dir)), dir);
            assertTrue(run.out().contains("Formatting " + tmp.resolve(dir)), run.out());
        }

        CliRun again = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString());
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.err().contains("is already formatted. Use --ignore-formatted"), again.err());
        assertFalse(again.err().contains("\tat "), "no stack trace for an expected error");

        CliRun ignored = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted");
        assertEquals(0, ignored.exitCode(), ignored.toString());
        assertEquals("All of the log directories are already formatted.\n", ignored.out());
    }

    @Test
    void formatRefusesStorageOfAnotherClusterAndWritesNothing() throws IOException {
        String first = Uuid.randomUuid().toString();
        String other = Uuid.randomUuid().toString();
        new MetaProperties(first, 3).write(tmp.resolve("b"));
        Path config = config(tmp.resolve("a") + "," + tmp.resolve("b"), null, "broker,controller", "");
        for (String flag : new String[] {"--standalone", "--ignore-formatted"}) {
            CliRun run = CliRun.run("storage", "format", "-t", other, "-c", config.toString(), flag);
            assertEquals(1, run.exitCode(), run.toString());
            assertTrue(run.err().startsWith("Error: Log directory " + tmp.resolve("b") + " is already formatted for cluster "
                    + first), run.err());
            assertFalse(run.err().contains("\tat "));
            assertFalse(Files.exists(tmp.resolve("a").resolve("meta.properties")), "a refused format writes nothing");
        }
    }

    @Test
    void formatChecksItsInputs() throws IOException {
        Path config = config(tmp.resolve("a").toString(), null, "broker", "");
        CliRun badId = CliRun.run("storage", "format", "-t", "not-a-uuid", "-c", config.toString());
        assertEquals(1, badId.exitCode());
        assertTrue(badId.err().contains("does not appear to be a valid UUID"), badId.err());

        CliRun standaloneBroker = CliRun.run("storage", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString(), "--standalone");
        assertEquals(1, standaloneBroker.exitCode());
        assertTrue(standaloneBroker.err().contains("no controller role"), standaloneBroker.err());

        String configured = Uuid.randomUuid().toString();
        Path withId = config(tmp.resolve("c").toString(), null, "broker,controller", "cluster.id=" + configured + "\n");
        CliRun mismatch = CliRun.run("storage", "format", "-t", Uuid.randomUuid().toString(), "-c", withId.toString());
        assertEquals(1, mismatch.exitCode());
        assertTrue(mismatch.err().contains("sets cluster.id=" + configured), mismatch.err());

        CliRun missing = CliRun.run("storage", "format", "-t", Uuid.randomUuid().toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().startsWith("Error: Missing required option: '--config=<server.properties>'"), missing.err());

        CliRun noFile = CliRun.run("storage", "format", "-t", Uuid.randomUuid().toString(), "-c", tmp.resolve("nope").toString());
        assertEquals(1, noFile.exitCode());
        assertTrue(noFile.err().startsWith("Error: Cannot read the configuration file"), noFile.err());
    }

    @Test
    void formatAppliesKafkaEnvironmentVariablesLikeServe() throws IOException {
        Path config = config(tmp.resolve("a").toString(), null, "broker,controller", "");
        String clusterId = Uuid.randomUuid().toString();
        CliRun run = CliRun.withInput("", Map.of("KAFKA_LOG_DIRS", tmp.resolve("fromenv").toString()),
                "storage", "format", "-t", clusterId, "-c", config.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(Files.exists(tmp.resolve("fromenv").resolve("meta.properties")));
        assertFalse(Files.exists(tmp.resolve("a").resolve("meta.properties")));
    }

    @Test
    void formatBootstrapsADynamicQuorumWithItsInitialControllers() throws IOException {
        Path config = Files.createTempFile(tmp, "controller", ".properties");
        Files.writeString(config, "node.id=3\nprocess.roles=controller\nlisteners=CONTROLLER://:9093\n"
                + "controller.listener.names=CONTROLLER\ncontroller.quorum.bootstrap.servers=localhost:9093\n"
                + "log.dirs=" + tmp.resolve("a") + "\n");
        String clusterId = Uuid.randomUuid().toString();
        CliRun none = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString());
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.err().contains("you must specify one of the following: --standalone, --initial-controllers, "
                + "or --no-initial-controllers"), none.err());
        CliRun both = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString(), "-s", "-N");
        assertEquals(1, both.exitCode(), both.toString());
        String three = Uuid.randomUuid().toString();
        String four = Uuid.randomUuid().toString();
        CliRun notUs = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString(),
                "--initial-controllers", "4@host4:9093:" + four);
        assertEquals(1, notUs.exitCode(), notUs.toString());
        assertTrue(notUs.err().contains("does not name this node"), notUs.err());
        assertFalse(Files.exists(tmp.resolve("a").resolve("meta.properties")), "a refused format writes nothing");

        CliRun run = CliRun.run("storage", "format", "-t", clusterId, "-c", config.toString(),
                "--initial-controllers", "3@localhost:9093:" + three + ",4@host4:9093:" + four);
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(Optional.of(three), MetaProperties.directoryId(tmp.resolve("a")),
                "the metadata directory takes the directory id the initial voters name it by");
        try (FileRaftLog log = new FileRaftLog(tmp.resolve("a").resolve("__cluster_metadata-0"))) {
            assertEquals(1, log.endOffset(), "the initial voter set is the log's first entry");
            LogEntry first = log.entry(0);
            assertTrue(first.control());
            VoterSet voters = VoterSetCodec.decodeControl(first.data()).orElseThrow();
            assertEquals(List.of(3, 4), List.copyOf(voters.ids()));
            assertEquals(four, voters.voter(4).orElseThrow().directoryId());
            assertEquals("host4:9093", voters.voter(4).orElseThrow().raftAddress());
            assertEquals("CONTROLLER", voters.voter(4).orElseThrow().endpoints().get(0).listener());
        }
    }

    @Test
    void aStaticQuorumRefusesTheDynamicFormatFlags() throws IOException {
        Path config = config(tmp.resolve("a").toString(), null, "broker,controller", "");
        CliRun run = CliRun.run("storage", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(),
                "--no-initial-controllers");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("You cannot specify controller.quorum.voters"), run.err());
    }

    private Path config(String logDirs, String metadataDir, String roles, String extra) throws IOException {
        Path file = Files.createTempFile(tmp, "server", ".properties");
        Files.writeString(file, "node.id=3\n"
                + "process.roles=" + roles + "\n"
                + "listeners=PLAINTEXT://:9092" + (roles.contains("controller") ? ",CONTROLLER://:9093" : "") + "\n"
                + "controller.listener.names=CONTROLLER\n"
                + "controller.quorum.voters=3@localhost:9093\n"
                + "log.dirs=" + logDirs + "\n"
                + (metadataDir != null ? "metadata.log.dir=" + metadataDir + "\n" : "")
                + extra);
        return file;
    }
}
