package io.sluice.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every client command end to end against one in-JVM broker, run in-process with captured output. */
class ClientCommandsTest {
    @TempDir
    static Path data;
    static TestBroker broker;

    @BeforeAll
    static void start() {
        broker = new TestBroker(data).start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** A command with --bootstrap-server appended. */
    private static CliRun sluice(String... args) {
        return sluiceWithInput("", args);
    }

    private static CliRun sluiceWithInput(String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(broker.bootstrap());
        return CliRun.withInput(stdin, all.toArray(String[]::new));
    }

    private static void ok(CliRun run) {
        assertEquals(0, run.exitCode(), run.toString());
    }

    private static void fails(CliRun run, String errorStart) {
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("Error: " + errorStart), run.toString());
        assertFalse(run.err().contains("\tat "), "no stack trace for an expected error: " + run.err());
    }

    @Test
    void topicsCreateListDescribeAlterDelete() throws Exception {
        CliRun created = sluice("topics", "create", "--topic", "orders", "--partitions", "2", "--replication-factor", "1",
                "--config", "retention.ms=60000", "--config", "cleanup.policy=delete");
        ok(created);
        assertEquals("Created topic orders.\n", created.out());
        fails(sluice("topics", "create", "--topic", "orders"), "Topic 'orders' already exists.");
        ok(sluice("topics", "create", "--topic", "orders", "--if-not-exists"));

        CliRun list = sluice("topics", "list");
        ok(list);
        assertTrue(list.out().lines().anyMatch("orders"::equals), list.out());

        String topicId;
        try (Admin admin = Admin.create(broker.clientProps())) {
            topicId = admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId().toString();
        }
        CliRun describe = sluice("topics", "describe", "--topic", "orders");
        ok(describe);
        List<String> lines = describe.out().lines().toList();
        assertEquals(3, lines.size(), describe.out());
        assertTrue(Pattern.matches("Topic: orders\tTopicId: " + topicId + "\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: .*",
                lines.get(0)), lines.get(0));
        assertTrue(lines.get(0).contains("retention.ms=60000"), lines.get(0));
        assertEquals("\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ", lines.get(1));
        assertEquals("\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ", lines.get(2));

        ok(sluice("topics", "alter", "--topic", "orders", "--partitions", "3", "--config", "segment.bytes=1048576",
                "--delete-config", "retention.ms"));
        String header = sluice("topics", "describe", "--topic", "orders").out().lines().findFirst().orElseThrow();
        assertTrue(header.contains("PartitionCount: 3"), header);
        assertTrue(header.contains("segment.bytes=1048576"), header);
        assertFalse(header.contains("retention.ms=60000"), header);

        CliRun nothing = sluice("topics", "alter", "--topic", "orders");
        assertEquals(2, nothing.exitCode(), nothing.toString());

        ok(sluice("topics", "delete", "--topic", "orders"));
        assertFalse(sluice("topics", "list").out().lines().anyMatch("orders"::equals));
        fails(sluice("topics", "describe", "--topic", "orders"), "Topic 'orders' does not exist as expected");
        fails(sluice("topics", "delete", "--topic", "orders"), "Topic 'orders' does not exist as expected");
        ok(sluice("topics", "delete", "--topic", "orders", "--if-exists"));
        fails(sluice("topics", "alter", "--topic", "orders", "--partitions", "4"), "Topic 'orders' does not exist as expected");
    }

    @Test
    void producedKeysHeadersAndNullsAreConsumedExactly() {
        ok(sluice("topics", "create", "--topic", "kv", "--partitions", "1"));
        String input = "h1:v1,h2:v2\tk1\tvalue one\n"
                + "NULL\tk2\tNULL\n"
                + "h3:NULL,h4\tNULL\tv3\n";
        CliRun produced = sluiceWithInput(input, "produce", "--topic", "kv", "--property", "parse.key=true",
                "--property", "parse.headers=true", "--property", "null.marker=NULL", "--property", "ignore.error=true",
                "--acks", "1", "--compression", "gzip");
        ok(produced);
        assertEquals("Produced 3 records to kv.\n", produced.err());

        CliRun consumed = sluice("consume", "--topic", "kv", "--from-beginning", "--max-messages", "3",
                "--property", "print.key=true", "--property", "print.headers=true",
                "--property", "print.partition=true", "--property", "print.offset=true");
        ok(consumed);
        assertEquals("Partition:0\tOffset:0\th1:v1,h2:v2\tk1\tvalue one\n"
                + "Partition:0\tOffset:1\tNO_HEADERS\tk2\tnull\n"
                + "Partition:0\tOffset:2\th3:null,h4:null\tnull\tv3\n", consumed.out());
        assertEquals("Processed a total of 3 messages\n", consumed.err());

        CliRun stamped = sluice("consume", "--topic", "kv", "--partition", "0", "--offset", "1", "--max-messages", "1",
                "--property", "print.timestamp=true", "--property", "key.separator=|", "--property", "print.key=true",
                "--property", "null.literal=<none>");
        ok(stamped);
        assertTrue(Pattern.matches("CreateTime:\\d+\\|k2\\|<none>\n", stamped.out()), stamped.out());
    }

    @Test
    void produceReportsMalformedLinesAndProgress() {
        ok(sluice("topics", "create", "--topic", "bulk", "--partitions", "3"));
        fails(sluiceWithInput("no separator here\n", "produce", "--topic", "bulk", "--property", "parse.key=true"),
                "No key separator found on line number 1: 'no separator here'");

        String lines = IntStream.rangeClosed(1, 250).mapToObj(i -> "m" + i).collect(Collectors.joining("\n", "", "\n"));
        CliRun produced = sluiceWithInput(lines, "produce", "--topic", "bulk", "--progress-every", "100");
        ok(produced);
        assertTrue(produced.err().contains("Sent 100 records to bulk"), produced.err());
        assertTrue(produced.err().contains("Sent 200 records to bulk"), produced.err());
        assertTrue(produced.err().endsWith("Produced 250 records to bulk.\n"), produced.err());

        CliRun all = sluice("consume", "--topic", "bulk", "--from-beginning", "--max-messages", "250");
        ok(all);
        assertEquals(250, all.out().lines().count());
        assertEquals(IntStream.rangeClosed(1, 250).mapToObj(i -> "m" + i).collect(Collectors.toSet()),
                all.out().lines().collect(Collectors.toSet()));

        // latest with nothing new: exits on --timeout-ms having printed nothing.
        CliRun latest = sluice("consume", "--topic", "bulk", "--partition", "1", "--offset", "latest", "--timeout-ms", "300");
        ok(latest);
        assertEquals("", latest.out());
        assertEquals("Processed a total of 0 messages\n", latest.err());

        assertEquals(2, sluice("consume", "--topic", "bulk", "--offset", "3").exitCode(), "--offset needs --partition");
        assertEquals(2, sluice("consume", "--topic", "bulk", "--partition", "0", "--offset", "soon").exitCode());
        fails(sluice("consume", "--topic", "missing", "--timeout-ms", "100"), "Topic 'missing' does not exist");
    }

    @Test
    void consumeWithAGroupAndResetOffsets() {
        ok(sluice("topics", "create", "--topic", "grouped", "--partitions", "2"));
        ok(sluiceWithInput("a\nb\nc\nd\n", "produce", "--topic", "grouped"));
        CliRun first = sluice("consume", "--topic", "grouped", "--group", "g1", "--from-beginning", "--max-messages", "4");
        Assumptions.assumeFalse(first.exitCode() == 1 && first.err().contains("does not support consumer groups yet"),
                "the broker does not offer FindCoordinator yet (group coordinator in progress): " + first.err());
        ok(first);
        assertEquals(4, first.out().lines().count());

        CliRun list = sluice("groups", "list");
        ok(list);
        assertTrue(list.out().lines().anyMatch("g1"::equals), list.out());

        CliRun describe = sluice("groups", "describe", "--group", "g1");
        ok(describe);
        List<String> rows = describe.out().lines().filter(l -> l.startsWith("g1 ")).toList();
        assertTrue(describe.out().contains("GROUP TOPIC   PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID"),
                describe.out());
        // One row per partition with a committed offset (the producer's sticky partitioner may have
        // put all four records in one partition); together they account for every record.
        rows.forEach(r -> assertTrue(r.matches("g1 +grouped +\\d +(\\d+) +\\1 +0 +- +- +-"), r));
        assertEquals(4, rows.stream().mapToLong(r -> Long.parseLong(r.split(" +")[3])).sum(), describe.out());

        CliRun dryRun = sluice("groups", "reset-offsets", "--group", "g1", "--topic", "grouped", "--to-earliest");
        ok(dryRun);
        assertTrue(dryRun.out().contains("g1    grouped 0         0"), dryRun.out());
        assertTrue(dryRun.err().contains("Dry run"), dryRun.err());
        assertTrue(sluice("groups", "describe", "--group", "g1").out().lines().noneMatch(l -> l.matches("g1 +grouped +\\d +0 .*")),
                "a dry run changes nothing");

        ok(sluice("groups", "reset-offsets", "--group", "g1", "--all-topics", "--to-earliest", "--execute"));
        CliRun again = sluice("consume", "--topic", "grouped", "--group", "g1", "--max-messages", "4");
        ok(again);
        assertEquals(4, again.out().lines().count(), "after the reset the group reads everything again");

        // --shift-by needs a committed offset: use a partition that has one (the records may all be in one partition).
        String committedPartition = rows.get(0).split(" +")[2];
        ok(sluice("groups", "reset-offsets", "--group", "g1", "--topic", "grouped:" + committedPartition, "--shift-by", "-1",
                "--execute"));
        ok(sluice("groups", "delete", "--group", "g1"));
        fails(sluice("groups", "describe", "--group", "g1"), "Consumer group 'g1' does not exist.");
    }

    @Test
    void clusterAndQuorum() throws Exception {
        String clusterId;
        try (Admin admin = Admin.create(broker.clientProps())) {
            clusterId = admin.describeCluster().clusterId().get();
        }
        CliRun cluster = sluice("cluster", "describe");
        ok(cluster);
        assertEquals("Cluster ID: " + clusterId + "\n"
                + "Controller: 1\n"
                + "Brokers:\n"
                + "ID HOST      PORT" + " ".repeat(Math.max(1, String.valueOf(broker.port()).length() - 3)) + "RACK\n"
                + "1  127.0.0.1 " + broker.port() + " -\n", cluster.out());

        CliRun quorum = sluice("quorum", "describe");
        if (quorum.exitCode() == 0) {
            assertTrue(quorum.out().contains("ClusterId:              " + clusterId), quorum.out());
            assertTrue(quorum.out().contains("CurrentVoters:          [1]"), quorum.out());
        } else {
            fails(quorum, "the broker does not support DescribeQuorum yet");
        }
    }

    @Test
    void unreachableBrokerAndBadCommandConfigAreOneLineErrors() throws Exception {
        Path quick = Files.createTempFile(data, "client", ".properties");
        Files.writeString(quick, "default.api.timeout.ms=1500\nrequest.timeout.ms=1000\n");
        CliRun refused = CliRun.run("topics", "list", "--bootstrap-server", "127.0.0.1:1", "--command-config", quick.toString());
        fails(refused, "timed out waiting for the broker");

        fails(sluice("topics", "list", "--command-config", data.resolve("none.properties").toString()),
                "Cannot read the command config");
    }
}
