package io.sluice.coordinator.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.coordinator.group.GroupRecordSerde.GroupKey;
import io.sluice.coordinator.group.GroupRecordSerde.GroupValue;
import io.sluice.coordinator.group.GroupRecordSerde.MemberValue;
import io.sluice.coordinator.group.GroupRecordSerde.OffsetKey;
import io.sluice.coordinator.group.GroupRecordSerde.OffsetValue;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupRecordSerdeTest {
    @Test
    void offsetKeysAndValuesRoundTrip() {
        TopicPartition tp = new TopicPartition("orders", 7);
        assertEquals(new OffsetKey("g1", tp), GroupRecordSerde.readKey(GroupRecordSerde.offsetKey("g1", tp)));
        OffsetValue v = new OffsetValue(42, 3, "meta-ü", 1234);
        assertEquals(v, GroupRecordSerde.readOffsetValue(GroupRecordSerde.offsetValue(v)));
    }

    @Test
    void groupValuesRoundTripWithNullableFields() {
        assertEquals(new GroupKey("g"), GroupRecordSerde.readKey(GroupRecordSerde.groupKey("g")));
        MemberValue m = new MemberValue("m-1", null, "client", "/127.0.0.1", 300000, 45000, new byte[] {1, 2}, new byte[] {3});
        GroupValue v = new GroupValue("consumer", 5, "range", "m-1", 99, List.of(m));
        GroupValue back = GroupRecordSerde.readGroupValue(GroupRecordSerde.groupValue(v));
        assertEquals(5, back.generation());
        assertEquals("range", back.protocol());
        assertNull(back.members().get(0).groupInstanceId());
        assertArrayEquals(new byte[] {1, 2}, back.members().get(0).subscription());
        GroupValue empty = new GroupValue(null, 0, null, null, 1, List.of());
        assertEquals(empty, GroupRecordSerde.readGroupValue(GroupRecordSerde.groupValue(empty)));
    }

    @Test
    void unknownVersionsAndTruncatedRecordsAreRefused() {
        byte[] value = GroupRecordSerde.offsetValue(new OffsetValue(1, -1, "", 0));
        value[1] = 9; // version 9
        assertThrows(IllegalArgumentException.class, () -> GroupRecordSerde.readOffsetValue(value));
        byte[] key = GroupRecordSerde.offsetKey("g", new TopicPartition("t", 0));
        assertThrows(IllegalArgumentException.class,
                () -> GroupRecordSerde.readKey(java.util.Arrays.copyOf(key, key.length - 2)));
    }
}
