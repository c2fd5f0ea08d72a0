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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleVoterBackendTest {
    @TempDir
    Path dir;

    private SingleVoterBackend started() {
        SingleVoterBackend.format(dir, "c1", 1);
        SingleVoterBackend backend = new SingleVoterBackend(dir, 1, Optional.of("c1"));
        backend.start();
        return backend;
    }

    private static long write(SingleVoterBackend backend, io.sluice.metadata.proto.MetadataRecord... records)
            throws Exception {
        return backend.write(List.of(records)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void formatWritesKafkaMetaProperties() throws Exception {
        SingleVoterBackend.format(dir, "abc", 3);
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("meta.properties"))) {
            props.load(in);
        }
        assertEquals("abc", props.getProperty("cluster.id"));
        assertEquals("3", props.getProperty("node.id"));
        assertEquals("1", props.getProperty("version"));
        SingleVoterBackend.format(dir, "abc", 3); // same values again: accepted
    }

    @Test
    void mismatchedClusterIdIsRefusedNamingBothValuesAndTheFile() {
        SingleVoterBackend.format(dir, "real-cluster", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SingleVoterBackend(dir, 1, Optional.of("other-cluster")).start());
        assertTrue(e.getMessage().contains("real-cluster") && e.getMessage().contains("other-cluster")
                && e.getMessage().contains("meta.properties"), e.getMessage());
        IllegalStateException reformat = assertThrows(IllegalStateException.class,
                () -> SingleVoterBackend.format(dir, "other-cluster", 1));
        assertTrue(reformat.getMessage().contains("real-cluster"), reformat.getMessage());
    }

    @Test
    void mismatchedNodeIdAndUnformattedStorageAreRefused() {
        IllegalStateException unformatted = assertThrows(IllegalStateException.class,
                () -> new SingleVoterBackend(dir, 1).start());
        assertTrue(unformatted.getMessage().contains("not formatted"), unformatted.getMessage());
        SingleVoterBackend.format(dir, "c1", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SingleVoterBackend(dir, 2).start());
        assertTrue(e.getMessage().contains("node.id 1") && e.getMessage().contains("node.id 2"), e.getMessage());
    }

    @Test
    void restartReplaysTheSameImage() throws Exception {
        Uuid id = Uuid.randomUuid();
        MetadataImage before;
        try (SingleVoterBackend backend = started()) {
            assertTrue(backend.isActiveController());
            assertEquals(1, backend.image().controllerId());
            write(backend, MetadataRecords.registerBroker(1,
                    List.of(new BrokerEndpoint("PLAINTEXT", "localhost", 9092, "PLAINTEXT")), "r", Uuid.randomUuid(),
                    false));
            write(backend, MetadataRecords.topic("t", id),
                    MetadataRecords.config(ConfigResourceType.TOPIC, "t", "cleanup.policy", "compact"),
                    MetadataRecords.partition(id, new PartitionImage(0, 1, 0, List.of(1), List.of(1), 0)));
            write(backend, MetadataRecords.config(ConfigResourceType.BROKER, "", "log.retention.ms", "9"));
            assertEquals(5, write(backend, MetadataRecords.producerIds(1, 1000)));
            before = backend.image();
        }
        try (SingleVoterBackend backend = started()) {
            assertEquals(before, backend.image());
            assertEquals(id, backend.image().topic("t").orElseThrow().id());
            assertEquals(6, write(backend, MetadataRecords.producerIds(1, 2000)));
        }
    }

    @Test
    void aBatchThatDoesNotReplayIsRefusedAndNotWritten() throws Exception {
        try (SingleVoterBackend backend = started()) {
            write(backend, MetadataRecords.topic("t", Uuid.randomUuid()));
            ExecutionException e = assertThrows(ExecutionException.class, () -> write(backend,
                    MetadataRecords.topic("u", Uuid.randomUuid()), MetadataRecords.removeTopic(Uuid.randomUuid())));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals(0, backend.image().offset());
        }
        try (SingleVoterBackend backend = started()) {
            assertEquals(0, backend.image().offset());
            assertTrue(backend.image().topic("u").isEmpty());
        }
    }

    @Test
    void listenersSeeEveryImageInOrderAndLateListenersStartFromEmpty() throws Exception {
        SingleVoterBackend.format(dir, "c1", 1);
        List<String> early = Collections.synchronizedList(new ArrayList<>());
        try (SingleVoterBackend backend = new SingleVoterBackend(dir, 1)) {
            backend.addListener((prev, next) -> early.add(prev.offset() + "->" + next.offset()));
            backend.start();
            List<long[]> late = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 5; i++) {
                write(backend, MetadataRecords.producerIds(1, 10L * (i + 1)));
                if (i == 2) {
                    backend.addListener((prev, next) -> late.add(new long[] {prev.offset(), next.offset()}));
                    // The late listener was told (empty, current) before addListener returned.
                    assertEquals(1, late.size());
                    assertEquals(-1, late.get(0)[0]);
                    assertEquals(2, late.get(0)[1]);
                }
            }
            // Start publishes the replayed (here still empty) image, then each write its own.
            assertEquals(List.of("-1->-1", "-1->0", "0->1", "1->2", "2->3", "3->4"), early);
            assertEquals(List.of(3L, 4L), late.subList(1, late.size()).stream().map(a -> a[1]).toList());
        }
    }

    @Test
    void writesAfterCloseFail() {
        SingleVoterBackend backend = started();
        backend.close();
        assertThrows(ExecutionException.class, () -> write(backend, MetadataRecords.producerIds(1, 5)));
    }
}
