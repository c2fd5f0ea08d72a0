package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.proto.ConfigResourceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import io.sluice.testing.SingleNodeQuorum;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kraft backend of a single node (a Raft quorum of one): storage, replay, publishing. */
class SingleNodeBackendTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private RaftBackend backend(int nodeId, Optional<String> expectedClusterId) {
        return SingleNodeQuorum.backend(dir, nodeId, expectedClusterId, vertx);
    }

    private RaftBackend started() {
        MetaProperties.format(dir, "c1", 1);
        RaftBackend backend = backend(1, Optional.of("c1"));
        backend.start();
        return backend;
    }

    private static long write(RaftBackend backend, io.sluice.metadata.proto.MetadataRecord... records)
            throws Exception {
        return backend.write(List.of(records)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void formatWritesKafkaMetaProperties() throws Exception {
        MetaProperties.format(dir, "abc", 3);
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("meta.properties"))) {
            props.load(in);
        }
        assertEquals("abc", props.getProperty("cluster.id"));
        assertEquals("3", props.getProperty("node.id"));
        assertEquals("1", props.getProperty("version"));
        MetaProperties.format(dir, "abc", 3); // same values again: accepted
    }

    @Test
    void mismatchedClusterIdIsRefusedNamingBothValuesAndTheFile() {
        MetaProperties.format(dir, "real-cluster", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend(1, Optional.of("other-cluster")).start());
        assertTrue(e.getMessage().contains("real-cluster") && e.getMessage().contains("other-cluster")
                && e.getMessage().contains("meta.properties"), e.getMessage());
        IllegalStateException reformat = assertThrows(IllegalStateException.class,
                () -> MetaProperties.format(dir, "other-cluster", 1));
        assertTrue(reformat.getMessage().contains("real-cluster"), reformat.getMessage());
    }

    @Test
    void mismatchedNodeIdAndUnformattedStorageAreRefused() {
        IllegalStateException unformatted = assertThrows(IllegalStateException.class,
                () -> backend(1, Optional.empty()).start());
        assertTrue(unformatted.getMessage().contains("not formatted"), unformatted.getMessage());
        MetaProperties.format(dir, "c1", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend(2, Optional.empty()).start());
        assertTrue(e.getMessage().contains("node.id 1") && e.getMessage().contains("node.id 2"), e.getMessage());
    }

    @Test
    void restartReplaysTheSameImage() throws Exception {
        Uuid id = Uuid.randomUuid();
        MetadataImage before;
        try (RaftBackend backend = started()) {
            assertTrue(backend.isActiveController());
            assertEquals(1, backend.image().controllerId());
            write(backend, MetadataRecords.registerBroker(1,
                    List.of(new BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), "r", Uuid.randomUuid(),
                    false));
            write(backend, MetadataRecords.topic("t", id),
                    MetadataRecords.config(ConfigResourceType.TOPIC, "t", "cleanup.policy", "compact"),
                    MetadataRecords.partition(id, new PartitionImage(0, 1, 0, List.of(1), List.of(1), 0)));
            write(backend, MetadataRecords.config(ConfigResourceType.BROKER, "", "log.retention.ms", "9"));
            long last = write(backend, MetadataRecords.producerIds(1, 1000));
            assertEquals(last, backend.image().offset());
            before = backend.image();
        }
        try (RaftBackend backend = started()) {
            // The restarted leader opens a new epoch with an entry of its own: same state, later offset.
            assertEquals(before.topics(), backend.image().topics());
            assertEquals(before.brokers(), backend.image().brokers());
            assertEquals(before.brokerConfigs(), backend.image().brokerConfigs());
            assertEquals(before.nextProducerId(), backend.image().nextProducerId());
            assertEquals(id, backend.image().topic("t").orElseThrow().id());
            assertTrue(write(backend, MetadataRecords.producerIds(1, 2000)) > before.offset());
        }
    }

    @Test
    void aBatchThatDoesNotReplayIsRefusedAndNotWritten() throws Exception {
        try (RaftBackend backend = started()) {
            long written = write(backend, MetadataRecords.topic("t", Uuid.randomUuid()));
            ExecutionException e = assertThrows(ExecutionException.class, () -> write(backend,
                    MetadataRecords.topic("u", Uuid.randomUuid()), MetadataRecords.removeTopic(Uuid.randomUuid())));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals(written, backend.image().offset());
        }
        try (RaftBackend backend = started()) {
            assertTrue(backend.image().topic("t").isPresent());
            assertTrue(backend.image().topic("u").isEmpty());
        }
    }

    @Test
    void listenersSeeEveryImageInOrderAndLateListenersStartFromEmpty() throws Exception {
        MetaProperties.format(dir, "c1", 1);
        List<long[]> early = Collections.synchronizedList(new ArrayList<>());
        try (RaftBackend backend = backend(1, Optional.empty())) {
            backend.addListener((prev, next) -> early.add(new long[] {prev.offset(), next.offset()}));
            backend.start();
            List<long[]> late = Collections.synchronizedList(new ArrayList<>());
            List<Long> writes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                writes.add(write(backend, MetadataRecords.producerIds(1, 10L * (i + 1))));
                if (i == 2) {
                    backend.addListener((prev, next) -> late.add(new long[] {prev.offset(), next.offset()}));
                    // The late listener was told (empty, current) before addListener returned.
                    assertEquals(1, late.size());
                    assertEquals(-1, late.get(0)[0]);
                    assertEquals(writes.get(2), late.get(0)[1]);
                }
            }
            // Start publishes the replayed (here still empty) image, then each write its own, each
            // change continuing from the one before.
            assertEquals(-1, early.get(0)[0]);
            assertEquals(-1, early.get(0)[1]);
            for (int i = 1; i < early.size(); i++) {
                assertEquals(early.get(i - 1)[1], early.get(i)[0], "change " + i + " continues from the one before");
            }
            List<Long> seen = early.stream().map(a -> a[1]).toList();
            assertTrue(seen.containsAll(writes), "every write's image was published: " + seen + " " + writes);
            assertEquals(writes.subList(3, 5), late.subList(1, late.size()).stream().map(a -> a[1]).toList());
        }
    }

    @Test
    void writesAfterCloseFail() {
        RaftBackend backend = started();
        backend.close();
        assertThrows(ExecutionException.class, () -> write(backend, MetadataRecords.producerIds(1, 5)));
    }
}
