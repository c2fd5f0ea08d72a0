package io.sluice.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.BrokerProcess;
import io.sluice.server.BrokerRuntime;
import io.sluice.server.config.BrokerConfig;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The management endpoints over HTTP, as probes and Prometheus reach them: the Quarkus application
 * with its management interface, a broker started in it as {@code sluice serve} does, and real
 * kafka-clients moving the metrics.
 */
@QuarkusTest
@TestProfile(OpsEndpointsTest.FreeManagementPort.class)
class OpsEndpointsTest {
    /**
     * Under test the management interface listens on quarkus.management.test-port. With port 0 it
     * binds, but neither the config nor an injected URL tells which port: take one free a moment ago.
     */
    public static class FreeManagementPort implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.management.test-port", Integer.toString(BrokerProcess.freePort()));
        }
    }

    @Inject
    BrokerRuntime runtime;

    private Path data;

    @AfterEach
    void stopBroker() throws Exception {
        runtime.stop();
        if (data != null) {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void probesFollowTheBrokerAndMetricsMoveWithTraffic() throws Exception {
        // No broker yet: started and ready are DOWN (503) and say why; live only needs the event loops.
        management().get("/health/started").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'sluice-started' }.data.state", containsString("starting"));
        management().get("/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'sluice-ready' }.data.reason", equalTo("listeners not bound yet"));
        management().get("/health/live").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'sluice-live' }.data.eventLoopLagMs", greaterThanOrEqualTo(0));

        data = Files.createTempDirectory("sluice-ops");
        runtime.start(BrokerConfig.fromProperties(Map.of("node.id", "1", "process.roles", "broker,controller",
                "listeners", "PLAINTEXT://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
                "advertised.listeners", "PLAINTEXT://127.0.0.1:0", "controller.listener.names", "CONTROLLER",
                "controller.quorum.voters", "1@127.0.0.1:9093", "log.dirs", data.toString(),
                "offsets.topic.replication.factor", "1", "group.initial.rebalance.delay.ms", "0")));

        management().get("/health/started").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'sluice-started' }.data.state", equalTo("started"));
        management().get("/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("sluice-ready"))
                .body("checks.find { it.name == 'sluice-ready' }.data.controllerId", equalTo(1));
        management().get("/health/live").then().statusCode(200).body("status", equalTo("UP"));

        String bootstrap = "127.0.0.1:" + runtime.broker().orElseThrow().boundPort("PLAINTEXT");
        Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(client);
             KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic("probed", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>("probed", 0, "k", "value-" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Properties consumerProps = new Properties();
        consumerProps.putAll(client);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "probers");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("probed"));
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < 5 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            assertEquals(5, read);
            consumer.commitSync(Map.of(new TopicPartition("probed", 0), new OffsetAndMetadata(2)));
        }

        String metrics = management().get("/metrics").then().statusCode(200)
                .extract().asString();
        assertEquals(5.0, sample(metrics, "sluice_topic_messages_in_total", "topic=\"probed\""));
        assertTrue(sample(metrics, "sluice_topic_bytes_in_total", "topic=\"probed\"") > 0, "bytes in");
        assertTrue(sample(metrics, "sluice_topic_bytes_out_total", "topic=\"probed\"") > 0, "bytes out");
        assertTrue(sample(metrics, "sluice_requests_seconds_count", "api=\"Produce\"") >= 5, "produce requests");
        assertEquals(1.0, sample(metrics, "sluice_controller_active", ""));
        assertEquals(3.0, sample(metrics, "sluice_consumergroup_lag", "group=\"probers\"", "topic=\"probed\"",
                "partition=\"0\""));
        assertTrue(sample(metrics, "jvm_memory_used_bytes", "") > 0, "JVM metrics");
        // Vert.x's own meters would time every read and write on the Kafka listener.
        assertFalse(metrics.contains("\ntcp_bytes_read"), "Vert.x TCP meters on the Kafka listener");

        runtime.stop();
        management().get("/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
    }

    private RequestSpecification management() {
        int port = ConfigProvider.getConfig().getValue("quarkus.management.test-port", Integer.class);
        // Quarkus points RestAssured.port at the HTTP server's test port before each test: 0 here, as the
        // HTTP server is off, and rest-assured refuses port 0 even when a request names another.
        RestAssured.port = port;
        return given().baseUri("http://127.0.0.1").basePath("/q");
    }

    /** The value of the first sample of {@code name} whose labels contain every given {@code label="value"}. */
    private static double sample(String exposition, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(exposition);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (List.of(labels).stream().allMatch(l -> l.isEmpty() || found.contains(l))) {
                return Double.parseDouble(m.group(2));
            }
        }
        return fail("no sample " + name + " with " + List.of(labels) + " in /q/metrics:\n"
                + exposition.lines().filter(l -> l.startsWith("sluice_") && !l.contains("_bucket")).reduce("", (a, b) -> a + b + "\n"));
    }
}
