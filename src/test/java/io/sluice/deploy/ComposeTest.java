package io.sluice.deploy;

import static io.sluice.deploy.DeployFiles.DATA_DIR;
import static io.sluice.deploy.DeployFiles.MANAGEMENT_PORT;
import static io.sluice.deploy.DeployFiles.READY;
import static io.sluice.deploy.DeployFiles.at;
import static io.sluice.deploy.DeployFiles.loadMap;
import static io.sluice.deploy.DeployFiles.read;
import static io.sluice.deploy.DeployFiles.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compose files, parsed: the seed's layouts, KAFKA_* only, volumes and real health checks. */
class ComposeTest {
    static final String VOTERS = "1@controller-1:9093,2@controller-2:9093,3@controller-3:9093";

    @BeforeAll
    static void endpointsAreReal() {
        DeployFiles.assertRealEndpoints();
    }

    static Map<String, Map<String, Object>> services(String file) {
        Map<String, Map<String, Object>> services = req(loadMap(read(file)), "services");
        return services;
    }

    static Map<String, String> env(Map<String, Object> service) {
        Map<String, Object> raw = req(service, "environment");
        Map<String, String> env = new LinkedHashMap<>();
        raw.forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    static boolean isSluice(Map<String, Object> service) {
        return String.valueOf(service.get("image")).contains("sluice");
    }

    /** Every Sluice service: its own data volume at the path KAFKA_LOG_DIRS names, ready check on 9000. */
    static void assertSluiceService(String name, Map<String, Object> service, Set<String> declaredVolumes) {
        assertEquals("${SLUICE_IMAGE:-sluice:jvm}", service.get("image"), name + " image");
        Map<String, String> env = env(service);
        assertTrue(env.keySet().stream().allMatch(k -> k.startsWith("KAFKA_")), name + ": configured only by KAFKA_*");
        assertEquals(DATA_DIR, env.get("KAFKA_LOG_DIRS"), name + ": KAFKA_LOG_DIRS");
        List<String> volumes = req(service, "volumes");
        assertEquals(1, volumes.size(), name + " volumes");
        String[] mount = volumes.get(0).split(":");
        assertEquals(DATA_DIR, mount[1], name + ": volume mounted at the data dir");
        assertTrue(declaredVolumes.contains(mount[0]), name + ": named volume " + mount[0] + " declared");
        List<String> test = req(service, "healthcheck", "test");
        assertEquals(List.of("CMD", "curl", "-fsS", "http://localhost:" + MANAGEMENT_PORT + READY), test,
                name + " healthcheck");
    }

    static Set<String> declaredVolumes(String file) {
        Map<String, Object> volumes = req(loadMap(read(file)), "volumes");
        return volumes.keySet();
    }

    static Set<String> unique(String what, List<String> values) {
        Set<String> set = new HashSet<>(values);
        assertEquals(values.size(), set.size(), what + " must be unique: " + values);
        return set;
    }

    @Test
    void kraftThreeControllersThreeBrokersInTheSeedLayout() {
        String file = "deploy/kraft/compose.yaml";
        Map<String, Map<String, Object>> services = services(file);
        assertEquals(List.of("controller-1", "controller-2", "controller-3", "broker-1", "broker-2", "broker-3"),
                List.copyOf(services.keySet()));
        Set<String> volumes = declaredVolumes(file);
        for (int i = 1; i <= 3; i++) {
            String name = "controller-" + i;
            Map<String, Object> c = services.get(name);
            assertSluiceService(name, c, volumes);
            assertEquals(name, c.get("container_name"));
            Map<String, String> env = env(c);
            assertEquals(String.valueOf(i), env.get("KAFKA_NODE_ID"));
            assertEquals("controller", env.get("KAFKA_PROCESS_ROLES"));
            assertEquals("CONTROLLER://:9093", env.get("KAFKA_LISTENERS"));
            assertEquals("CONTROLLER", env.get("KAFKA_CONTROLLER_LISTENER_NAMES"));
            assertEquals(VOTERS, env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        }
        Map<String, Integer> hostPorts = Map.of("broker-1", 29092, "broker-2", 39092, "broker-3", 49092);
        for (int i = 1; i <= 3; i++) {
            String name = "broker-" + i;
            Map<String, Object> b = services.get(name);
            assertSluiceService(name, b, volumes);
            Map<String, String> env = env(b);
            int hostPort = hostPorts.get(name);
            assertEquals(String.valueOf(i + 3), env.get("KAFKA_NODE_ID"));
            assertEquals("broker", env.get("KAFKA_PROCESS_ROLES"));
            assertEquals("PLAINTEXT://:19092,PLAINTEXT_HOST://:9092", env.get("KAFKA_LISTENERS"));
            assertEquals("PLAINTEXT://" + name + ":19092,PLAINTEXT_HOST://localhost:" + hostPort,
                    env.get("KAFKA_ADVERTISED_LISTENERS"), name + " advertises its own container name");
            assertEquals(List.of(hostPort + ":9092"), b.get("ports"));
            assertEquals("PLAINTEXT", env.get("KAFKA_INTER_BROKER_LISTENER_NAME"));
            assertEquals("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PLAINTEXT_HOST:PLAINTEXT",
                    env.get("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"));
            assertEquals(VOTERS, env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
            Map<String, Object> dependsOn = req(b, "depends_on");
            assertEquals(Set.of("controller-1", "controller-2", "controller-3"), dependsOn.keySet());
        }
        // The voters are exactly the controllers, by their node ids.
        Set<String> controllers = services.entrySet().stream()
                .filter(e -> "controller".equals(env(e.getValue()).get("KAFKA_PROCESS_ROLES")))
                .map(e -> env(e.getValue()).get("KAFKA_NODE_ID") + "@" + e.getKey() + ":9093")
                .collect(Collectors.toSet());
        assertEquals(controllers, new HashSet<>(Arrays.asList(VOTERS.split(","))));
        unique("node ids", services.values().stream().map(s -> env(s).get("KAFKA_NODE_ID")).toList());
        unique("volumes", services.values().stream().map(s -> ((List<String>) req(s, "volumes")).get(0)).toList());
    }

    @Test
    void kraftSingleCombinedNode() {
        String file = "deploy/kraft/compose-single.yaml";
        Map<String, Map<String, Object>> services = services(file);
        assertEquals(Set.of("broker"), services.keySet());
        Map<String, Object> b = services.get("broker");
        assertSluiceService("broker", b, declaredVolumes(file));
        Map<String, String> env = env(b);
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"));
        assertEquals("1@localhost:9093", env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        assertEquals("PLAINTEXT://localhost:9092", env.get("KAFKA_ADVERTISED_LISTENERS"));
        assertEquals("3", env.get("KAFKA_NUM_PARTITIONS"));
        assertEquals(List.of("9092:9092", "9000:9000"), b.get("ports"));
    }

    @Test
    void zookeeperEnsembleAndThreeBrokers() {
        String file = "deploy/zookeeper/compose.yaml";
        Map<String, Map<String, Object>> services = services(file);
        Set<String> volumes = declaredVolumes(file);
        List<String> zoos = services.keySet().stream().filter(s -> !isSluice(services.get(s))).toList();
        assertEquals(List.of("zoo1", "zoo2", "zoo3"), zoos);
        Set<String> myIds = new TreeSet<>();
        for (String zoo : zoos) {
            Map<String, Object> z = services.get(zoo);
            assertEquals("zookeeper:3.9", z.get("image"));
            Map<String, String> env = env(z);
            myIds.add(env.get("ZOO_MY_ID"));
            for (int i = 1; i <= 3; i++) {
                assertTrue(env.get("ZOO_SERVERS").contains("server." + i + "=zoo" + i + ":2888:3888;2181"),
                        zoo + " ZOO_SERVERS lists zoo" + i);
            }
            assertTrue(at(z, "healthcheck", "test") != null, zoo + " healthcheck");
        }
        assertEquals(Set.of("1", "2", "3"), myIds);

        List<String> brokers = services.keySet().stream().filter(s -> isSluice(services.get(s))).toList();
        assertEquals(List.of("broker-1", "broker-2", "broker-3"), brokers);
        for (String name : brokers) {
            Map<String, Object> b = services.get(name);
            assertSluiceService(name, b, volumes);
            Map<String, String> env = env(b);
            assertEquals("zoo1:2181,zoo2:2181,zoo3:2181", env.get("KAFKA_ZOOKEEPER_CONNECT"));
            assertTrue(env.get("KAFKA_ADVERTISED_LISTENERS").startsWith("PLAINTEXT://" + name + ":19092,"),
                    name + " advertises its own container name");
            assertTrue(!env.containsKey("KAFKA_PROCESS_ROLES") && !env.containsKey("KAFKA_NODE_ID"),
                    name + ": ZooKeeper mode names broker.id, not kraft settings");
            Map<String, Map<String, String>> dependsOn = req(b, "depends_on");
            assertEquals(Set.copyOf(zoos), dependsOn.keySet());
            dependsOn.values().forEach(d -> assertEquals("service_healthy", d.get("condition")));
        }
        assertEquals(Set.of("1", "2", "3"),
                unique("broker ids", brokers.stream().map(b -> env(services.get(b)).get("KAFKA_BROKER_ID")).toList()));
    }
}
