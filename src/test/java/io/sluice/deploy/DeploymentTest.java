package io.sluice.deploy;

import static io.sluice.deploy.DeployFiles.LIVE;
import static io.sluice.deploy.DeployFiles.MANAGEMENT_PORT;
import static io.sluice.deploy.DeployFiles.METRICS;
import static io.sluice.deploy.DeployFiles.READY;
import static io.sluice.deploy.DeployFiles.ROOT;
import static io.sluice.deploy.DeployFiles.STARTED;
import static io.sluice.deploy.DeployFiles.at;
import static io.sluice.deploy.DeployFiles.req;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Renders the kustomize overlays with {@code kubectl kustomize} (required: it is installed on our
 * build machines) and checks the objects a cluster would receive.
 */
class DeploymentTest {
    static final Map<String, List<Map<String, Object>>> RENDERED = new HashMap<>();

    @BeforeAll
    static void endpointsAreReal() {
        DeployFiles.assertRealEndpoints();
    }

    static List<Map<String, Object>> render(String overlay) {
        return RENDERED.computeIfAbsent(overlay, o -> {
            Process p = DeployFiles.start(List.of("kubectl", "kustomize", "k8s/overlays/" + o), ROOT);
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    fail("kubectl kustomize k8s/overlays/" + o + " failed:\n" + out);
                }
                return DeployFiles.loadAll(out);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError("kubectl kustomize k8s/overlays/" + o, e);
            }
        });
    }

    @BeforeAll
    static void kubectlIsInstalled() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor(), "kubectl version --client");
        } catch (IOException | InterruptedException e) {
            fail("kubectl is required to render k8s/ (kubectl kustomize); it is installed on our build and CI"
                    + " machines. Put it on PATH. (" + e.getMessage() + ")");
        }
    }

    static List<Map<String, Object>> ofKind(List<Map<String, Object>> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    static Map<String, Object> named(List<Map<String, Object>> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> name.equals(at(d, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    static Map<String, Object> container(Map<String, Object> sts) {
        List<Map<String, Object>> containers = req(sts, "spec", "template", "spec", "containers");
        assertEquals(1, containers.size(), "one container per pod");
        return containers.get(0);
    }

    /** env entries with a literal value, in order (downward-API entries map to their fieldPath). */
    static LinkedHashMap<String, String> env(Map<String, Object> container) {
        LinkedHashMap<String, String> env = new LinkedHashMap<>();
        List<Map<String, Object>> entries = req(container, "env");
        for (Map<String, Object> e : entries) {
            String name = (String) e.get("name");
            assertFalse(env.containsKey(name), "env " + name + " twice");
            Object value = e.get("value");
            String field = at(e, "valueFrom", "fieldRef", "fieldPath");
            env.put(name, value != null ? value.toString() : "fieldRef:" + field);
        }
        return env;
    }

    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    static Map<String, String> podLabels(Map<String, Object> sts) {
        return req(sts, "spec", "template", "metadata", "labels");
    }

    static boolean isSluice(Map<String, Object> sts) {
        return String.valueOf(container(sts).get("image")).startsWith("sluice");
    }

    /** $(POD_NAME) etc. in a pod's name for one ordinal, as Kubernetes would expand them. */
    static String expand(String value, Map<String, String> vars) {
        String out = value;
        for (Map.Entry<String, String> v : vars.entrySet()) {
            out = out.replace("$(" + v.getKey() + ")", v.getValue());
        }
        assertFalse(out.contains("$("), "unexpanded reference in " + out);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"kraft", "zookeeper"})
    void everyPodIsRestrictedV2Compatible(String overlay) {
        List<Map<String, Object>> all = ofKind(render(overlay), "StatefulSet");
        assertFalse(all.isEmpty());
        for (Map<String, Object> sts : all) {
            String name = req(sts, "metadata", "name");
            Map<String, Object> pod = req(sts, "spec", "template", "spec");
            Map<String, Object> podSc = req(pod, "securityContext");
            assertEquals(Boolean.TRUE, podSc.get("runAsNonRoot"), name + " pod runAsNonRoot");
            assertEquals("RuntimeDefault", at(podSc, "seccompProfile", "type"), name + " pod seccomp");
            for (String forbidden : List.of("runAsUser", "runAsGroup", "fsGroup")) {
                assertNull(podSc.get(forbidden), name + ": restricted-v2 assigns " + forbidden);
            }
            Map<String, Object> c = container(sts);
            Map<String, Object> sc = req(c, "securityContext");
            assertEquals(Boolean.FALSE, sc.get("allowPrivilegeEscalation"), name + " allowPrivilegeEscalation");
            assertEquals(Boolean.TRUE, sc.get("readOnlyRootFilesystem"), name + " readOnlyRootFilesystem");
            assertEquals(Boolean.TRUE, sc.get("runAsNonRoot"), name + " runAsNonRoot");
            assertEquals(List.of("ALL"), at(sc, "capabilities", "drop"), name + " capabilities drop ALL");
            assertNull(at(sc, "capabilities", "add"), name + " adds no capability");
            assertNull(sc.get("runAsUser"), name + " container runAsUser");
            assertNull(sc.get("privileged"), name + " privileged");
            assertEquals("RuntimeDefault", at(sc, "seccompProfile", "type"), name + " seccomp");

            // A read-only root needs a writable /tmp: an emptyDir.
            List<Map<String, Object>> mounts = req(c, "volumeMounts");
            String tmpVolume = mounts.stream().filter(m -> "/tmp".equals(m.get("mountPath")))
                    .map(m -> (String) m.get("name")).findFirst().orElseThrow(() -> new AssertionError(name + ": no /tmp"));
            List<Map<String, Object>> volumes = req(pod, "volumes");
            assertTrue(volumes.stream().anyMatch(v -> tmpVolume.equals(v.get("name")) && v.containsKey("emptyDir")),
                    name + ": /tmp is an emptyDir");

            Map<String, Object> requests = req(c, "resources", "requests");
            assertNotNull(requests.get("cpu"), name + " cpu request");
            assertNotNull(requests.get("memory"), name + " memory request");
            assertNotNull(at(c, "resources", "limits", "memory"), name + " memory limit");

            List<Map<String, Object>> terms = req(pod, "affinity", "podAntiAffinity",
                    "preferredDuringSchedulingIgnoredDuringExecution");
            assertTrue(terms.stream().anyMatch(t -> selects(at(t, "podAffinityTerm", "labelSelector", "matchLabels"),
                    podLabels(sts))), name + ": anti-affinity against its own pods");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kraft", "zookeeper"})
    void sluiceProbesHitTheRealHealthEndpoints(String overlay) {
        for (Map<String, Object> sts : ofKind(render(overlay), "StatefulSet")) {
            if (!isSluice(sts)) {
                continue;
            }
            Map<String, Object> c = container(sts);
            Map<String, Integer> ports = new HashMap<>();
            for (Map<String, Object> p : (List<Map<String, Object>>) req(c, "ports")) {
                ports.put((String) p.get("name"), (Integer) p.get("containerPort"));
            }
            Map<String, String> expected = Map.of("startupProbe", STARTED, "livenessProbe", LIVE, "readinessProbe", READY);
            expected.forEach((probe, path) -> {
                Map<String, Object> get = req(c, probe, "httpGet");
                assertEquals(path, get.get("path"), probe);
                Object port = get.get("port");
                int number = port instanceof Integer i ? i : Objects.requireNonNull(ports.get(port), "port " + port);
                assertEquals(MANAGEMENT_PORT, number, probe + " port");
            });
        }
    }

    /** Every $(VAR) in an env value names a variable defined earlier in the list, else it stays literal. */
    @ParameterizedTest
    @ValueSource(strings = {"kraft", "zookeeper"})
    void dependentVariablesAreDefinedBeforeUse(String overlay) {
        for (Map<String, Object> sts : ofKind(render(overlay), "StatefulSet")) {
            Set<String> defined = new HashSet<>();
            for (Map.Entry<String, String> e : env(container(sts)).entrySet()) {
                for (String ref : DeployFiles.references(e.getValue())) {
                    assertTrue(defined.contains(ref), at(sts, "metadata", "name") + ": " + e.getKey()
                            + " uses $(" + ref + ") before it is defined; Kubernetes would leave it literal");
                }
                defined.add(e.getKey());
            }
            Map<String, String> env = env(container(sts));
            assertEquals("fieldRef:metadata.name", env.get("POD_NAME"));
            assertEquals("fieldRef:metadata.namespace", env.get("POD_NAMESPACE"));
        }
    }

    /** The headless Service behind each StatefulSet: exists, headless, selects its pods, publishes not-ready ones. */
    static Map<String, Object> headless(List<Map<String, Object>> docs, Map<String, Object> sts) {
        String serviceName = req(sts, "spec", "serviceName");
        Map<String, Object> svc = named(docs, "Service", serviceName);
        assertEquals("None", at(svc, "spec", "clusterIP"), serviceName + " is headless");
        assertEquals(Boolean.TRUE, at(svc, "spec", "publishNotReadyAddresses"), serviceName + " publishes not-ready pods");
        assertTrue(selects(req(svc, "spec", "selector"), podLabels(sts)), serviceName + " selects the pods of " + at(sts, "metadata", "name"));
        return svc;
    }

    /** Runs the container's shell wrapper with `exec java ...` replaced by `env`, as pod ordinal {@code ordinal}. */
    static Map<String, String> runWrapper(Map<String, Object> sts, int ordinal, String... extraEnv) throws Exception {
        Map<String, Object> c = container(sts);
        List<String> command = req(c, "command");
        List<String> args = req(c, "args");
        assertEquals(List.of("/bin/sh", "-c"), command);
        String script = args.get(0);
        String java = DockerfileTest.jvmCommandLine();
        assertTrue(script.contains("exec " + java + "\n") || script.endsWith("exec " + java),
                "the wrapper execs exactly the image's entrypoint: " + java);
        String podName = at(sts, "metadata", "name") + "-" + ordinal;
        List<String> cmd = new ArrayList<>(List.of("env", "-i", "POD_NAME=" + podName,
                "NODE_ID_OFFSET=" + env(c).get("NODE_ID_OFFSET"), "KAFKA_ADVERTISED_LISTENERS=x"));
        cmd.addAll(List.of(extraEnv));
        cmd.addAll(List.of("/bin/sh", "-c", script.replace("exec " + java, "exec env")));
        Process p = DeployFiles.start(cmd, ROOT);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, String> result = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.startsWith("KAFKA_")) {
                result.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return result;
    }

    @Test
    void kraftBrokersAdvertiseTheirOwnStableNamesAndKnowEveryController() throws Exception {
        List<Map<String, Object>> docs = render("kraft");
        Map<String, Object> brokers = named(docs, "StatefulSet", "sluice-broker");
        Map<String, Object> controllers = named(docs, "StatefulSet", "sluice-controller");
        String brokerSvc = req(headless(docs, brokers), "metadata", "name");
        String controllerSvc = req(headless(docs, controllers), "metadata", "name");

        int brokerReplicas = req(brokers, "spec", "replicas");
        int controllerReplicas = req(controllers, "spec", "replicas");
        assertEquals(3, brokerReplicas);
        assertEquals(3, controllerReplicas);

        // Advertised listener: each broker pod's own DNS name through the headless Service.
        Map<String, String> brokerEnv = env(container(brokers));
        Set<String> advertised = new HashSet<>();
        for (int i = 0; i < brokerReplicas; i++) {
            String pod = "sluice-broker-" + i;
            String value = expand(brokerEnv.get("KAFKA_ADVERTISED_LISTENERS"), Map.of("POD_NAME", pod, "POD_NAMESPACE", "ns"));
            assertEquals("PLAINTEXT://" + pod + "." + brokerSvc + ".ns.svc:9092", value);
            advertised.add(value);
        }
        assertEquals(brokerReplicas, advertised.size());
        Map<String, String> controllerEnv = env(container(controllers));
        for (int i = 0; i < controllerReplicas; i++) {
            String pod = "sluice-controller-" + i;
            assertEquals("CONTROLLER://" + pod + "." + controllerSvc + ".ns.svc:9093", expand(
                    controllerEnv.get("KAFKA_ADVERTISED_LISTENERS"), Map.of("POD_NAME", pod, "POD_NAMESPACE", "ns")));
        }

        // Node ids from the ordinal, by running the wrapper; brokers and controllers never collide.
        Map<Integer, String> nodeIds = new HashMap<>();
        for (Map<String, Object> sts : List.of(controllers, brokers)) {
            int replicas = req(sts, "spec", "replicas");
            for (int i = 0; i < replicas; i++) {
                Map<String, String> env = runWrapper(sts, i);
                String pod = at(sts, "metadata", "name") + "-" + i;
                assertNull(env.get("KAFKA_BROKER_ID"), "kraft uses node.id");
                int id = Integer.parseInt(Objects.requireNonNull(env.get("KAFKA_NODE_ID"), pod + " node id"));
                assertNull(nodeIds.put(id, pod), "node id " + id + " twice");
            }
        }

        // controller.quorum.voters: every controller pod, by id and stable name, on its controller port.
        Map<String, Object> controllerContainer = container(controllers);
        int controllerPort = ((List<Map<String, Object>>) req(controllerContainer, "ports")).stream()
                .filter(p -> "controller".equals(p.get("name"))).map(p -> (Integer) p.get("containerPort"))
                .findFirst().orElseThrow();
        Set<String> expectedVoters = IntStream.range(0, controllerReplicas).mapToObj(i -> {
            String pod = "sluice-controller-" + i;
            int id = nodeIds.entrySet().stream().filter(e -> e.getValue().equals(pod)).findFirst().orElseThrow().getKey();
            return id + "@" + pod + "." + controllerSvc + ".ns.svc:" + controllerPort;
        }).collect(Collectors.toSet());
        for (Map<String, Object> sts : List.of(brokers, controllers)) {
            String voters = env(container(sts)).get("KAFKA_CONTROLLER_QUORUM_VOTERS");
            assertNotNull(voters, at(sts, "metadata", "name") + " has the voters");
            assertEquals(expectedVoters, Set.of(expand(voters, Map.of("POD_NAMESPACE", "ns")).split(",")));
        }

        // Roles from the ConfigMaps the pods load.
        assertEquals("broker", configFor(docs, brokers).get("KAFKA_PROCESS_ROLES"));
        assertEquals("controller", configFor(docs, controllers).get("KAFKA_PROCESS_ROLES"));
        for (Map<String, Object> sts : List.of(brokers, controllers)) {
            assertEquals(DeployFiles.DATA_DIR, configFor(docs, sts).get("KAFKA_LOG_DIRS"));
            assertTrue(((List<Map<String, Object>>) req(container(sts), "volumeMounts")).stream()
                    .anyMatch(m -> DeployFiles.DATA_DIR.equals(m.get("mountPath")) && "data".equals(m.get("name"))));
            assertTrue(((List<Map<String, Object>>) req(sts, "spec", "volumeClaimTemplates")).stream()
                    .anyMatch(v -> "data".equals(at(v, "metadata", "name"))), "data PVC");
        }
    }

    static Map<String, String> configFor(List<Map<String, Object>> docs, Map<String, Object> sts) {
        List<Map<String, Object>> envFrom = req(container(sts), "envFrom");
        String name = req(envFrom.get(0), "configMapRef", "name");
        return req(named(docs, "ConfigMap", name), "data");
    }

    @Test
    void zookeeperBrokersUseBrokerIdAndTheWholeEnsemble() throws Exception {
        List<Map<String, Object>> docs = render("zookeeper");
        Map<String, Object> brokers = named(docs, "StatefulSet", "sluice-broker");
        Map<String, Object> zk = named(docs, "StatefulSet", "sluice-zookeeper");
        String brokerSvc = req(headless(docs, brokers), "metadata", "name");
        String zkSvc = req(headless(docs, zk), "metadata", "name");
        assertEquals("zookeeper:3.9", container(zk).get("image"));
        int zkReplicas = req(zk, "spec", "replicas");

        Map<String, String> env = env(container(brokers));
        String connect = expand(env.get("KAFKA_ZOOKEEPER_CONNECT"), Map.of("POD_NAMESPACE", "ns"));
        Set<String> expected = IntStream.range(0, zkReplicas)
                .mapToObj(i -> "sluice-zookeeper-" + i + "." + zkSvc + ".ns.svc:2181").collect(Collectors.toSet());
        assertEquals(expected, Set.of(connect.split(",")));
        String zooServers = expand(env(container(zk)).get("ZOO_SERVERS"), Map.of("POD_NAMESPACE", "ns"));
        for (int i = 0; i < zkReplicas; i++) {
            assertTrue(zooServers.contains("server." + (i + 1) + "=sluice-zookeeper-" + i + "." + zkSvc + ".ns.svc:2888:3888"));
        }
        assertNull(configFor(docs, brokers).get("KAFKA_PROCESS_ROLES"), "no kraft roles in zk mode");

        Set<String> ids = new HashSet<>();
        for (int i = 0; i < (Integer) req(brokers, "spec", "replicas"); i++) {
            String pod = "sluice-broker-" + i;
            assertEquals("PLAINTEXT://" + pod + "." + brokerSvc + ".ns.svc:9092",
                    expand(env.get("KAFKA_ADVERTISED_LISTENERS"), Map.of("POD_NAME", pod, "POD_NAMESPACE", "ns")));
            Map<String, String> out = runWrapper(brokers, i, "KAFKA_ZOOKEEPER_CONNECT=" + connect);
            assertNull(out.get("KAFKA_NODE_ID"), "zk mode uses broker.id");
            ids.add(Objects.requireNonNull(out.get("KAFKA_BROKER_ID")));
        }
        assertEquals(3, ids.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kraft", "zookeeper"})
    void everyWorkloadHasPdbNetworkPolicyAndAClientPath(String overlay) {
        List<Map<String, Object>> docs = render(overlay);
        for (Map<String, Object> sts : ofKind(docs, "StatefulSet")) {
            String name = req(sts, "metadata", "name");
            Map<String, String> labels = podLabels(sts);
            assertTrue(ofKind(docs, "PodDisruptionBudget").stream().anyMatch(pdb ->
                    selects(at(pdb, "spec", "selector", "matchLabels"), labels)
                            && (at(pdb, "spec", "maxUnavailable") != null || at(pdb, "spec", "minAvailable") != null)),
                    name + " has a PDB");
            assertTrue(ofKind(docs, "NetworkPolicy").stream().anyMatch(np ->
                    selects(at(np, "spec", "podSelector", "matchLabels"), labels)), name + " has a NetworkPolicy");
        }
        // Clients bootstrap through a normal Service on the Kafka port of the brokers.
        Map<String, Object> bootstrap = named(docs, "Service", "sluice-bootstrap");
        assertNull(at(bootstrap, "spec", "clusterIP"));
        assertTrue(selects(req(bootstrap, "spec", "selector"), podLabels(named(docs, "StatefulSet", "sluice-broker"))));
        assertEquals(9092, (Integer) at(bootstrap, "spec", "ports", 0, "port"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"kraft", "zookeeper"})
    void serviceMonitorScrapesMetricsOfEverySluicePod(String overlay) {
        List<Map<String, Object>> docs = render(overlay);
        List<Map<String, Object>> monitors = ofKind(docs, "ServiceMonitor");
        assertEquals(1, monitors.size());
        Map<String, Object> sm = monitors.get(0);
        assertEquals("monitoring.coreos.com/v1", sm.get("apiVersion"));
        Map<String, Object> endpoint = req(sm, "spec", "endpoints", 0);
        assertEquals(METRICS, endpoint.get("path"));
        String portName = req(endpoint, "port");
        Map<String, String> selector = req(sm, "spec", "selector", "matchLabels");
        for (Map<String, Object> sts : ofKind(docs, "StatefulSet")) {
            if (!isSluice(sts)) {
                continue;
            }
            List<Map<String, Object>> scraped = ofKind(docs, "Service").stream()
                    .filter(s -> selects(selector, req(s, "metadata", "labels")))
                    .filter(s -> selects(req(s, "spec", "selector"), podLabels(sts))).toList();
            assertEquals(1, scraped.size(), at(sts, "metadata", "name") + ": scraped through exactly one Service");
            Map<String, Object> port = ((List<Map<String, Object>>) req(scraped.get(0), "spec", "ports")).stream()
                    .filter(p -> portName.equals(p.get("name"))).findFirst().orElseThrow();
            assertEquals(MANAGEMENT_PORT, (Integer) port.get("port"));
        }
    }
}
