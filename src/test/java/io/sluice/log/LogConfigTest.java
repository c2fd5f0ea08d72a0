package io.sluice.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class LogConfigTest {
    @Test
    void defaultsAreKafkas() {
        LogConfig c = LogConfig.defaults();
        assertEquals(1073741824, c.segmentBytes());
        assertEquals(604800000L, c.segmentMs());
        assertEquals(604800000L, c.retentionMs());
        assertEquals(-1L, c.retentionBytes());
        assertEquals(Long.MAX_VALUE, c.flushIntervalMessages());
        assertEquals(Long.MAX_VALUE, c.flushIntervalMs());
        assertEquals(4096, c.indexIntervalBytes());
        assertEquals(10485760, c.segmentIndexBytes());
        assertEquals(1048588, c.maxMessageBytes());
        assertEquals(TimestampType.CREATE_TIME, c.messageTimestampType());
        assertEquals(60000L, c.fileDeleteDelayMs());
        assertEquals(Set.of("delete"), c.cleanupPolicy());
    }

    @Test
    void acceptsNumbersStringsAndLists() {
        LogConfig c = LogConfig.fromMap(Map.of("segment.bytes", "2048", "retention.ms", -1, "message.timestamp.type", "LogAppendTime",
                "cleanup.policy", List.of("compact", "delete"), "flush.messages", 10L));
        assertEquals(2048, c.segmentBytes());
        assertEquals(-1L, c.retentionMs());
        assertEquals(TimestampType.LOG_APPEND_TIME, c.messageTimestampType());
        assertTrue(c.compacted() && c.retentionEnabled());
        assertEquals(10L, c.flushIntervalMessages());
        assertEquals(Set.of("compact"), LogConfig.fromMap(Map.of("cleanup.policy", "compact")).cleanupPolicy());
        assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("segment.ms", "soon")));
        assertThrows(ConfigException.class, () -> LogConfig.fromMap(Map.of("cleanup.policy", "shred")));
    }
}
