package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.cli.Cli;
import io.sluice.cli.Io;
import io.sluice.testing.BrokerProcess;
import io.sluice.testing.KafkaTools;
import io.sluice.testing.NodeProcess;
import io.sluice.testing.SluiceEnvLauncher;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dynamic metadata quorum (KIP-853) run as Kafka users run it, with real processes and Kafka's own
 * kafka-metadata-quorum: one controller formatted {@code --standalone}, a broker and two more controllers
 * formatted {@code --no-initial-controllers} that find the leader through
 * {@code controller.quorum.bootstrap.servers}; the two are added with {@code add-controller} (through a
 * controller's listener, and through the broker), the leader of
 * the three is SIGKILLed and replaced by an election, comes back as a voter on its own data, and is then
 * removed with {@code remove-controller}, after which it keeps replicating as an observer.
 */
class DynamicQuorumProcessTest {
    private static final String CLUSTER_ID = "5L6g3nShT-eMCtK--X86sw";
    private static final Duration START = Duration.ofSeconds(60);
    private static final Pattern VOTER = Pattern.compile("\"id\": (\\d+), \"directoryId\": \"([^\"]+)\"");
    private static final Pattern LEADER = Pattern.compile("LeaderId:\\s+(\\d+)");

    @TempDir
    Path dir;

    private final List<NodeProcess> processes = new ArrayList<>();
    private final Map<Integer, Integer> controllerPorts = new TreeMap<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (NodeProcess p : processes) {
            p.close();
        }
    }

    @Test
    void standaloneControllerGrowsToThreeVotersSurvivesItsLeaderAndShrinks() throws Exception {
        for (int id = 1; id <= 3; id++) {
            controllerPorts.put(id, BrokerProcess.freePort());
        }
        int brokerPort = BrokerProcess.freePort();
        Map<Integer, Path> configs = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            configs.put(id, write("controller-" + id, controllerConfig(id)));
        }
        Path brokerConfig = write("broker-4", brokerConfig(brokerPort));

        format(configs.get(1), "--standalone");
        format(configs.get(2), "--no-initial-controllers");
        format(configs.get(3), "--no-initial-controllers");
        format(brokerConfig);

        NodeProcess c1 = start("controller-1", configs.get(1), 1);
        start("broker-4", brokerConfig, 4);
        String bootstrap = "127.0.0.1:" + brokerPort;
        produce(bootstrap, "before");


        Map<Integer, String> voters = voters(describe(1));
        assertEquals(Map.of(1, directoryId("controller-1")), voters, "the standalone controller is the only voter");

        Map<Integer, NodeProcess> controllers = new TreeMap<>(Map.of(1, c1));
        for (int id = 2; id <= 3; id++) {
            controllers.put(id, start("controller-" + id, configs.get(id), id));
            // Through a controller's listener, and through the broker, which forwards to the leader.
            List<String> via = id == 2 ? List.of("--bootstrap-controller", controller(1))
                    : List.of("--bootstrap-server", bootstrap);
            List<String> args = new ArrayList<>(via);
            args.addAll(List.of("--command-config", configs.get(id).toString(), "add-controller"));
            KafkaTools.Result added = quorumTool(args);
            assertEquals(0, added.exitCode(), added.all());
            assertTrue(added.stdout().contains("Added controller " + id), added.all());
        }
        String status = describe(2);
        Map<Integer, String> expected = new TreeMap<>();
        for (int id = 1; id <= 3; id++) {
            expected.put(id, directoryId("controller-" + id));
        }
        assertEquals(expected, voters(status), status);
        assertTrue(status.contains("CONTROLLER://127.0.0.1:" + controllerPorts.get(3)), status);

        int oldLeader = leader(status);
        controllers.get(oldLeader).kill(); // SIGKILL
        int survivor = controllers.keySet().stream().filter(id -> id != oldLeader).findFirst().orElseThrow();
        int newLeader = awaitNewLeader(survivor, oldLeader);
        assertNotEquals(oldLeader, newLeader);
        produce(bootstrap, "after-failover");

        // Restarted on its own data, it reads its voter set from its log and follows the new leader as a voter.
        NodeProcess restarted = controllers.get(oldLeader);
        restarted.start().awaitLog(Pattern.compile("Sluice node " + oldLeader + " started in"), START);
        assertEquals(expected, voters(describe(survivor)));

        KafkaTools.Result removed = quorumTool(List.of("--bootstrap-controller", controller(survivor),
                "remove-controller", "--controller-id", Integer.toString(oldLeader),
                "--controller-directory-id", directoryId("controller-" + oldLeader)));
        assertEquals(0, removed.exitCode(), removed.all());
        expected.remove(oldLeader);
        assertEquals(expected, voters(describe(survivor)));
        // Still running, the removed controller keeps replicating: listed as an observer from its next fetch.
        String asObserver = "\"id\": " + oldLeader + ", \"directoryId\": \"" + directoryId("controller-" + oldLeader);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String latest = describe(survivor);
        while (!observers(latest).contains(asObserver) && System.nanoTime() < deadline) {
            latest = describe(survivor);
        }
        assertTrue(observers(latest).contains(asObserver), latest);
        assertEquals(expected, voters(latest));

        KafkaTools.Result again = quorumTool(List.of("--bootstrap-controller", controller(survivor),
                "remove-controller", "--controller-id", Integer.toString(oldLeader),
                "--controller-directory-id", directoryId("controller-" + oldLeader)));
        assertNotEquals(0, again.exitCode(), again.all());
        assertTrue(again.all().contains("VoterNotFoundException"), again.all());
        produce(bootstrap, "after-removal");
    }

    // ---------------------------------------------------------------- nodes

    private Map<String, String> controllerConfig(int id) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("node.id", Integer.toString(id));
        c.put("process.roles", "controller");
        c.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPorts.get(id));
        c.put("controller.listener.names", "CONTROLLER");
        c.put("controller.quorum.bootstrap.servers", bootstrapServers());
        c.put("log.dirs", dir.resolve("controller-" + id).resolve("data").toString());
        return c;
    }

    private Map<String, String> brokerConfig(int port) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("node.id", "4");
        c.put("process.roles", "broker");
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        c.put("controller.quorum.bootstrap.servers", bootstrapServers());
        c.put("log.dirs", dir.resolve("broker-4").resolve("data").toString());
        c.put("offsets.topic.replication.factor", "1");
        return c;
    }

    private String bootstrapServers() {
        return controllerPorts.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    private String controller(int id) {
        return "127.0.0.1:" + controllerPorts.get(id);
    }

    private Path write(String name, Map<String, String> config) throws Exception {
        Path file = dir.resolve(name + ".properties");
        Properties props = new Properties();
        props.putAll(config);
        try (var out = Files.newOutputStream(file)) {
            props.store(out, null);
        }
        return file;
    }

    /** `sluice storage format`, in-process, as an operator runs it before the first start. */
    private void format(Path config, String... flags) {
        List<String> args = new ArrayList<>(List.of("storage", "format", "-t", CLUSTER_ID, "-c", config.toString()));
        args.addAll(List.of(flags));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.execute(new Io(new PrintWriter(out, true), new PrintWriter(err, true),
                new ByteArrayInputStream(new byte[0]), Map.of()), args.toArray(String[]::new));
        assertEquals(0, code, out + "\n" + err);
    }

    private String directoryId(String node) {
        return MetaProperties.directoryId(dir.resolve(node).resolve("data")).orElseThrow();
    }

    private NodeProcess start(String name, Path config, int id) throws InterruptedException {
        NodeProcess p = new NodeProcess(name, SluiceEnvLauncher.command(List.of(config.toString())), Map.of(),
                dir.resolve(name).resolve("node.log"));
        processes.add(p);
        p.start().awaitLog(Pattern.compile("Sluice node " + id + " started in"), START);
        return p;
    }

    // ---------------------------------------------------------------- clients and tools

    private static void produce(String bootstrap, String topic) throws Exception {
        Map<String, Object> adminConfig = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> producerConfig = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            long offset = producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS).offset();
            assertEquals(0, offset);
        }
    }

    private static KafkaTools.Result quorumTool(List<String> args) throws Exception {
        return KafkaTools.run("org.apache.kafka.tools.MetadataQuorumCommand", args, 60);
    }

    private String describe(int controllerId) throws Exception {
        KafkaTools.Result r = quorumTool(List.of("--bootstrap-controller", controller(controllerId), "describe",
                "--status"));
        assertEquals(0, r.exitCode(), r.all());
        return r.stdout();
    }

    private static Map<Integer, String> voters(String status) {
        String line = status.lines().filter(l -> l.startsWith("CurrentVoters:")).findFirst().orElseThrow(
                () -> new AssertionError("no CurrentVoters in\n" + status));
        Map<Integer, String> voters = new TreeMap<>();
        Matcher m = VOTER.matcher(line);
        while (m.find()) {
            voters.put(Integer.parseInt(m.group(1)), m.group(2));
        }
        return voters;
    }

    private static String observers(String status) {
        return status.lines().filter(l -> l.startsWith("CurrentObservers:")).findFirst().orElse("");
    }

    private static int leader(String status) {
        Matcher m = LEADER.matcher(status);
        assertTrue(m.find(), status);
        return Integer.parseInt(m.group(1));
    }

    /** Polls describe --status on a surviving controller until another controller leads. */
    private int awaitNewLeader(int via, int oldLeader) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "";
        while (System.nanoTime() < deadline) {
            KafkaTools.Result r = quorumTool(List.of("--bootstrap-controller", controller(via), "describe", "--status"));
            last = r.all();
            if (r.exitCode() == 0 && leader(r.stdout()) != oldLeader) {
                return leader(r.stdout());
            }
        }
        throw new AssertionError("no new leader after node " + oldLeader + " was killed; last answer:\n" + last);
    }
}
