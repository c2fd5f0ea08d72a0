package io.sluice.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.kraft.MetaProperties;
import io.sluice.metadata.kraft.RaftBackend;
import io.sluice.testing.SingleNodeQuorum;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerTest {
    /** Stands in for the config package's validation: any key starting with "bad." is invalid. */
    static final TopicConfigValidator TOPIC_CONFIGS = configs -> configs.keySet().stream()
            .filter(k -> k.startsWith("bad.")).findFirst().ifPresent(k -> {
                throw new InvalidConfigurationException("Unknown topic config name: " + k);
            });
    static final BrokerConfigValidator BROKER_CONFIGS = configs -> configs.keySet().stream()
            .filter(k -> k.startsWith("bad.")).findFirst().ifPresent(k -> {
                throw new InvalidConfigurationException("Unknown broker config name: " + k);
            });

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private RaftBackend backend;
    private Controller controller;

    @BeforeEach
    void start() throws Exception {
        startController(true);
        BrokersForTests.registerUnfenced(controller, backend, 1,
                List.of(new BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), null);
    }

    private void startController(boolean deleteTopicEnable) {
        MetaProperties.format(dir, "cluster", 1);
        backend = SingleNodeQuorum.backend(dir, 1, java.util.Optional.empty(), vertx);
        backend.start();
        controller = new Controller(new ControllerSettings(1, 3, (short) 1, deleteTopicEnable, 9000, 10, false), backend,
                TOPIC_CONFIGS, BROKER_CONFIGS);
    }

    private void restart(boolean deleteTopicEnable) {
        stop();
        startController(deleteTopicEnable);
    }

    @AfterEach
    void tearDown() {
        stop();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private void stop() {
        controller.close();
        backend.close();
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static CreatableTopic topic(String name, int partitions, int replicationFactor) {
        return new CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) replicationFactor);
    }

    private CreatableTopicResult create(CreatableTopic topic) throws Exception {
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(topic);
        return await(controller.createTopics(request)).topics().find(topic.name());
    }

    private void assertError(Errors expected, short actual, String message) {
        assertEquals(expected, Errors.forCode(actual), message);
    }

    // ---- CreateTopics

    @Test
    void createTopicWritesTopicPartitionsAndConfigs() throws Exception {
        CreatableTopic request = topic("orders", -1, -1);
        request.configs().add(new CreatableTopicConfig().setName("cleanup.policy").setValue("compact"));
        CreatableTopicResult result = create(request);

        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals(3, result.numPartitions()); // num.partitions
        assertEquals(1, result.replicationFactor()); // default.replication.factor
        TopicImage topic = backend.image().topic("orders").orElseThrow();
        assertEquals(result.topicId(), topic.id());
        assertNotEquals(Uuid.ZERO_UUID, topic.id());
        assertEquals(Map.of("cleanup.policy", "compact"), topic.configs());
        assertEquals(new PartitionImage(2, 1, 0, List.of(1), List.of(1), 0), topic.partitions().get(2));
    }

    @Test
    void invalidTopicNamesAreRefused() throws Exception {
        for (String name : List.of("", ".", "..", "x".repeat(250), "a/b", "space here")) {
            CreatableTopicResult result = create(topic(name, 1, 1));
            assertError(Errors.INVALID_TOPIC_EXCEPTION, result.errorCode(), name);
            assertTrue(result.errorMessage() != null && !result.errorMessage().isEmpty());
        }
        assertTrue(backend.image().topics().isEmpty());
    }

    @Test
    void existingAndCollidingTopicsAreRefused() throws Exception {
        create(topic("a.b", 1, 1));
        CreatableTopicResult exists = create(topic("a.b", 1, 1));
        assertError(Errors.TOPIC_ALREADY_EXISTS, exists.errorCode(), "exists");
        assertEquals("Topic 'a.b' already exists.", exists.errorMessage());
        CreatableTopicResult collides = create(topic("a_b", 1, 1));
        assertError(Errors.INVALID_TOPIC_EXCEPTION, collides.errorCode(), "collision");
        assertTrue(collides.errorMessage().contains("a.b"), collides.errorMessage());
    }

    @Test
    void partitionCountAndReplicationFactorAreValidated() throws Exception {
        assertError(Errors.INVALID_PARTITIONS, create(topic("p0", 0, 1)).errorCode(), "0 partitions");
        assertError(Errors.INVALID_PARTITIONS, create(topic("p2", -2, 1)).errorCode(), "-2 partitions");
        assertError(Errors.INVALID_REPLICATION_FACTOR, create(topic("r0", 1, 0)).errorCode(), "rf 0");
        assertError(Errors.INVALID_REPLICATION_FACTOR, create(topic("r2", 1, -2)).errorCode(), "rf -2");
        CreatableTopicResult tooMany = create(topic("r3", 1, 3));
        assertError(Errors.INVALID_REPLICATION_FACTOR, tooMany.errorCode(), "rf 3");
        assertEquals("Replication factor: 3 larger than available brokers: 1.", tooMany.errorMessage());
        assertTrue(backend.image().topics().isEmpty());
    }

    @Test
    void invalidConfigIsRefusedWithTheValidatorsMessage() throws Exception {
        CreatableTopic request = topic("t", 1, 1);
        request.configs().add(new CreatableTopicConfig().setName("bad.key").setValue("1"));
        CreatableTopicResult result = create(request);
        assertError(Errors.INVALID_CONFIG, result.errorCode(), "config");
        assertEquals("Unknown topic config name: bad.key", result.errorMessage());
    }

    @Test
    void duplicateTopicInOneRequestIsAnInvalidRequest() throws Exception {
        CreateTopicsRequestData request = new CreateTopicsRequestData();
        request.topics().add(topic("dup", 1, 1));
        request.topics().add(topic("dup", 1, 1));
        request.topics().add(topic("single", 1, 1));
        CreateTopicsResponseData response = await(controller.createTopics(request));
        assertEquals(2, response.topics().size());
        assertError(Errors.INVALID_REQUEST, response.topics().find("dup").errorCode(), "dup");
        assertError(Errors.NONE, response.topics().find("single").errorCode(), "single");
        assertFalse(backend.image().topic("dup").isPresent());
    }

    @Test
    void manualAssignmentsAreHonouredAndValidated() throws Exception {
        BrokersForTests.registerUnfenced(controller, backend, 2, List.of(), null);
        CreatableTopic manual = topic("m", -1, -1);
        manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(2, 1)));
        manual.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(1).setBrokerIds(List.of(1, 2)));
        CreatableTopicResult ok = create(manual);
        assertError(Errors.NONE, ok.errorCode(), ok.errorMessage());
        assertEquals(2, ok.replicationFactor());
        PartitionImage p0 = backend.image().topic("m").orElseThrow().partitions().get(0);
        assertEquals(2, p0.leader());
        assertEquals(List.of(2, 1), p0.isr());

        CreatableTopic unknownBroker = topic("u", -1, -1);
        unknownBroker.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(9)));
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, create(unknownBroker).errorCode(), "unknown broker");
        CreatableTopic both = topic("b", 2, -1);
        both.assignments().add(new CreatableReplicaAssignment().setPartitionIndex(0).setBrokerIds(List.of(1)));
        assertError(Errors.INVALID_REQUEST, create(both).errorCode(), "both set");
    }

    @Test
    void validateOnlyCreatesNothingButAnswersTheWouldBeResult() throws Exception {
        long offset = backend.image().offset();
        CreateTopicsRequestData request = new CreateTopicsRequestData().setValidateOnly(true);
        request.topics().add(topic("v", 4, 1));
        CreatableTopicResult result = await(controller.createTopics(request)).topics().find("v");
        assertError(Errors.NONE, result.errorCode(), result.errorMessage());
        assertEquals(4, result.numPartitions());
        assertEquals(offset, backend.image().offset());
        assertFalse(backend.image().topic("v").isPresent());
    }

    @Test
    void concurrentCreatesOfOneTopicAreSerialized() throws Exception {
        List<CompletableFuture<CreateTopicsResponseData>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CreateTopicsRequestData request = new CreateTopicsRequestData();
            request.topics().add(topic("race", 1, 1));
            futures.add(controller.createTopics(request));
        }
        int created = 0;
        for (CompletableFuture<CreateTopicsResponseData> f : futures) {
            if (await(f).topics().find("race").errorCode() == Errors.NONE.code()) {
                created++;
            }
        }
        assertEquals(1, created);
    }

    // ---- DeleteTopics

    @Test
    void deleteByNameAndByIdFillsNameAndId() throws Exception {
        Uuid a = create(topic("a", 1, 1)).topicId();
        Uuid b = create(topic("b", 1, 1)).topicId();
        DeleteTopicsRequestData byName = new DeleteTopicsRequestData().setTopicNames(List.of("a", "nope"));
        var responses = await(controller.deleteTopics(byName)).responses();
        assertEquals(Errors.NONE.code(), responses.find("a").errorCode());
        assertEquals(a, responses.find("a").topicId());
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION, responses.find("nope").errorCode(), "unknown name");

        Uuid unknown = Uuid.randomUuid();
        DeleteTopicsRequestData byId = new DeleteTopicsRequestData().setTopics(List.of(
                new DeleteTopicState().setTopicId(b), new DeleteTopicState().setTopicId(unknown)));
        List<DeletableTopicResult> results = new ArrayList<>(await(controller.deleteTopics(byId)).responses());
        assertEquals("b", results.get(0).name());
        assertEquals(Errors.NONE.code(), results.get(0).errorCode());
        assertEquals(unknown, results.get(1).topicId());
        assertError(Errors.UNKNOWN_TOPIC_ID, results.get(1).errorCode(), "unknown id");
        assertTrue(backend.image().topics().isEmpty());
    }

    @Test
    void deletionDisabledIsRefused() throws Exception {
        create(topic("keep", 1, 1));
        restart(false);
        var result = await(controller.deleteTopics(new DeleteTopicsRequestData().setTopicNames(List.of("keep"))))
                .responses().find("keep");
        assertError(Errors.TOPIC_DELETION_DISABLED, result.errorCode(), "disabled");
        assertTrue(backend.image().topic("keep").isPresent());
    }

    // ---- CreatePartitions

    private CreatePartitionsTopicResult addPartitions(CreatePartitionsTopic topic, boolean validateOnly)
            throws Exception {
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setValidateOnly(validateOnly);
        request.topics().add(topic);
        return await(controller.createPartitions(request)).results().get(0);
    }

    @Test
    void createPartitionsGrowsTheTopic() throws Exception {
        create(topic("t", 3, 1));
        CreatePartitionsTopicResult validated = addPartitions(new CreatePartitionsTopic().setName("t").setCount(5), true);
        assertError(Errors.NONE, validated.errorCode(), validated.errorMessage());
        assertEquals(3, backend.image().topic("t").orElseThrow().partitions().size());

        CreatePartitionsTopicResult grown = addPartitions(new CreatePartitionsTopic().setName("t").setCount(5), false);
        assertError(Errors.NONE, grown.errorCode(), grown.errorMessage());
        assertEquals(List.of(0, 1, 2, 3, 4),
                List.copyOf(backend.image().topic("t").orElseThrow().partitions().keySet()));

        CreatePartitionsTopicResult assigned = addPartitions(new CreatePartitionsTopic().setName("t").setCount(6)
                .setAssignments(List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(1)))), false);
        assertError(Errors.NONE, assigned.errorCode(), assigned.errorMessage());
        assertEquals(List.of(1), backend.image().topic("t").orElseThrow().partitions().get(5).replicas());
    }

    @Test
    void createPartitionsErrors() throws Exception {
        create(topic("t", 3, 1));
        CreatePartitionsTopicResult fewer = addPartitions(new CreatePartitionsTopic().setName("t").setCount(2), false);
        assertError(Errors.INVALID_PARTITIONS, fewer.errorCode(), "fewer");
        assertEquals("Topic currently has 3 partitions, which is higher than the requested 2.", fewer.errorMessage());
        assertError(Errors.INVALID_PARTITIONS,
                addPartitions(new CreatePartitionsTopic().setName("t").setCount(3), false).errorCode(), "same");
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                addPartitions(new CreatePartitionsTopic().setName("nope").setCount(3), false).errorCode(), "unknown");
        assertError(Errors.INVALID_REPLICA_ASSIGNMENT, addPartitions(new CreatePartitionsTopic().setName("t")
                .setCount(5).setAssignments(List.of(new CreatePartitionsAssignment().setBrokerIds(List.of(1)))),
                false).errorCode(), "too few assignments");
    }

    // ---- Configs

    private static AlterableConfig op(String name, AlterConfigOpType type, String value) {
        return new AlterableConfig().setName(name).setConfigOperation(type.id).setValue(value);
    }

    enum AlterConfigOpType {
        SET(0), DELETE(1), APPEND(2), SUBTRACT(3);
        final byte id;

        AlterConfigOpType(int id) {
            this.id = (byte) id;
        }
    }

    private AlterConfigsResourceResponse alter(ConfigResource.Type type, String name, boolean validateOnly,
                                               AlterableConfig... ops) throws Exception {
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData()
                .setValidateOnly(validateOnly);
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (AlterableConfig op : ops) {
            resource.configs().add(op);
        }
        request.resources().add(resource);
        return await(controller.incrementalAlterConfigs(request)).responses().get(0);
    }

    private Map<String, String> topicConfigs(String topic) {
        return backend.image().topic(topic).orElseThrow().configs();
    }

    @Test
    void incrementalAlterConfigsOnTopics() throws Exception {
        create(topic("t", 1, 1));
        ConfigResource.Type topic = ConfigResource.Type.TOPIC;
        assertError(Errors.NONE, alter(topic, "t", false, op("retention.ms", AlterConfigOpType.SET, "100"),
                op("cleanup.policy", AlterConfigOpType.APPEND, "delete")).errorCode(), "set+append");
        assertEquals(Map.of("retention.ms", "100", "cleanup.policy", "delete"), topicConfigs("t"));
        alter(topic, "t", false, op("cleanup.policy", AlterConfigOpType.APPEND, "compact"));
        assertEquals("delete,compact", topicConfigs("t").get("cleanup.policy"));
        alter(topic, "t", false, op("cleanup.policy", AlterConfigOpType.SUBTRACT, "delete"),
                op("retention.ms", AlterConfigOpType.DELETE, null));
        assertEquals(Map.of("cleanup.policy", "compact"), topicConfigs("t"));

        assertError(Errors.NONE, alter(topic, "t", true, op("retention.ms", AlterConfigOpType.SET, "5")).errorCode(),
                "validate only");
        assertEquals(Map.of("cleanup.policy", "compact"), topicConfigs("t"));
        AlterConfigsResourceResponse invalid = alter(topic, "t", false, op("bad.x", AlterConfigOpType.SET, "1"));
        assertError(Errors.INVALID_CONFIG, invalid.errorCode(), "invalid");
        assertEquals("Unknown topic config name: bad.x", invalid.errorMessage());
        assertError(Errors.INVALID_CONFIG,
                alter(topic, "t", false, op("retention.ms", AlterConfigOpType.APPEND, "1")).errorCode(), "append scalar");
        assertError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                alter(topic, "nope", false, op("retention.ms", AlterConfigOpType.SET, "1")).errorCode(), "unknown");
    }

    @Test
    void incrementalAlterConfigsOnBrokers() throws Exception {
        ConfigResource.Type broker = ConfigResource.Type.BROKER;
        assertError(Errors.NONE, alter(broker, "", false, op("log.retention.ms", AlterConfigOpType.SET, "1"))
                .errorCode(), "cluster default");
        assertError(Errors.NONE, alter(broker, "1", false, op("log.retention.ms", AlterConfigOpType.SET, "2"))
                .errorCode(), "this node");
        MetadataImage image = backend.image();
        assertEquals(Map.of("log.retention.ms", "1"), image.brokerConfigs());
        assertEquals(Map.of("log.retention.ms", "2"), image.brokerConfigs(1));
        assertError(Errors.INVALID_REQUEST, alter(broker, "7", false, op("x", AlterConfigOpType.SET, "1"))
                .errorCode(), "other broker");
        assertError(Errors.INVALID_REQUEST, alter(broker, "abc", false, op("x", AlterConfigOpType.SET, "1"))
                .errorCode(), "not an id");
        assertError(Errors.INVALID_CONFIG, alter(broker, "", false, op("bad.y", AlterConfigOpType.SET, "1"))
                .errorCode(), "invalid");
        assertEquals(image.offset(), backend.image().offset());
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeOverrideSet() throws Exception {
        CreatableTopic request = topic("t", 1, 1);
        request.configs().add(new CreatableTopicConfig().setName("retention.ms").setValue("1"));
        create(request);
        AlterConfigsRequestData alter = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("t");
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("segment.ms").setValue("9"));
        alter.resources().add(resource);
        AlterConfigsResponseData response = await(controller.alterConfigs(alter));
        assertError(Errors.NONE, response.responses().get(0).errorCode(), response.responses().get(0).errorMessage());
        assertEquals(Map.of("segment.ms", "9"), topicConfigs("t"));
    }

    // ---- Producer ids and brokers

    @Test
    void producerIdBlocksAreNeverReusedAcrossRestarts() throws Exception {
        assertEquals(0L, await(controller.allocateProducerIds(1, 1000)));
        assertEquals(1000L, await(controller.allocateProducerIds(1, 1000)));
        restart(true);
        assertEquals(2000L, await(controller.allocateProducerIds(1, 10)));
        assertEquals(2010L, backend.image().nextProducerId());
    }

    @Test
    void brokerRegistrationAndUnregistration() throws Exception {
        long epoch = BrokersForTests.registerUnfenced(controller, backend, 2,
                List.of(new BrokerEndpoint("EXTERNAL", "h", 9093, "SSL")), "rack-a");
        MetadataImage image = backend.image();
        assertEquals(epoch, image.brokers().get(2).epoch());
        assertEquals(List.of(new BrokerEndpoint("EXTERNAL", "h", 9093, "SSL")), image.brokers().get(2).endpoints());
        assertEquals(1, image.controllerId());
        assertEquals("rack-a", image.brokers().get(2).rack());
        assertFalse(image.brokers().get(2).fenced());
        await(controller.unregisterBroker(2));
        assertFalse(backend.image().brokers().containsKey(2));
        Throwable unknown = controller.unregisterBroker(2).handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertTrue(unknown.getCause() instanceof org.apache.kafka.common.errors.BrokerIdNotRegisteredException,
                String.valueOf(unknown));
    }
}
