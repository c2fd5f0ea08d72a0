package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.log.PartitionLog;
import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster-wide broker default changed with IncrementalAlterConfigs reaches the logs of topics
 * without their own override at once, and survives a restart; a topic override still wins.
 */
class DynamicBrokerConfigTest {
    @TempDir
    Path data;

    @Test
    void aDynamicBrokerDefaultAppliesToTopicsWithoutAnOverride() throws Exception {
        try (TestBroker broker = new TestBroker(data).start()) {
            try (Admin admin = Admin.create(broker.clientProps())) {
                admin.createTopics(List.of(new NewTopic("plain", 1, (short) 1),
                        new NewTopic("own", 1, (short) 1).configs(Map.of("retention.ms", "7777")))).all().get();
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""),
                        List.of(new AlterConfigOp(new ConfigEntry("log.retention.ms", "1234"), AlterConfigOp.OpType.SET))))
                        .all().get();
            }
            awaitRetention(broker, "plain", 1234);
            assertEquals(7777, log(broker, "own").config().retentionMs(), "the topic override wins");

            broker.stop();
            broker.start();
            assertEquals(1234, log(broker, "plain").config().retentionMs(), "the dynamic default survives a restart");
        }
    }

    private static PartitionLog log(TestBroker broker, String topic) {
        return broker.broker().parts().replicas().partition(new TopicPartition(topic, 0)).orElseThrow().log();
    }

    private static void awaitRetention(TestBroker broker, String topic, long expected) {
        LongSupplier actual = () -> log(broker, topic).config().retentionMs();
        long deadline = System.currentTimeMillis() + 10_000;
        while (actual.getAsLong() != expected) {
            assertTrue(System.currentTimeMillis() < deadline, "retention.ms of " + topic + " is " + actual.getAsLong());
            Thread.onSpinWait();
        }
    }
}
