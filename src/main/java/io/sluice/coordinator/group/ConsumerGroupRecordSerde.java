package io.sluice.coordinator.group;

import static io.sluice.coordinator.group.GroupRecordSerde.read;
import static io.sluice.coordinator.group.GroupRecordSerde.readString;
import static io.sluice.coordinator.group.GroupRecordSerde.write;
import static io.sluice.coordinator.group.GroupRecordSerde.writeString;

import io.sluice.coordinator.group.ConsumerMember.Current;
import io.sluice.coordinator.group.ConsumerMember.MemberState;
import io.sluice.coordinator.group.ConsumerMember.Subscription;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The records of a KIP-848 consumer group in {@code __consumer_offsets}, in the same framing as
 * {@link GroupRecordSerde}. State is split by how often it changes, so a heartbeat writes only what
 * it changed: the group's epochs (one per group), and per member its subscription, its target
 * assignment and its current assignment. Compaction keeps the latest of each; leaving tombstones
 * the member's three keys.
 */
final class ConsumerGroupRecordSerde {
    static final short GROUP_METADATA_KEY = 3;
    static final short MEMBER_KEY = 4;
    static final short TARGET_KEY = 5;
    static final short CURRENT_KEY = 6;
    private static final short VALUE_VERSION = 0;

    private ConsumerGroupRecordSerde() {}

    sealed interface ConsumerKey extends GroupRecordSerde.Key permits GroupMetadataKey, MemberKey {}

    /** The group's epochs. */
    record GroupMetadataKey(String group) implements ConsumerKey {}

    /** One of a member's records; {@code type} says which. */
    record MemberKey(short type, String group, String memberId) implements ConsumerKey {}

    record GroupMetadataValue(int groupEpoch, int assignmentEpoch, String assignorName) {}

    static GroupRecordSerde.Key readKey(short type, DataInputStream in) throws IOException {
        String group = readString(in);
        return type == GROUP_METADATA_KEY ? new GroupMetadataKey(group) : new MemberKey(type, group, readString(in));
    }

    static byte[] groupMetadataKey(String group) {
        return write(out -> {
            out.writeShort(GROUP_METADATA_KEY);
            writeString(out, group);
        });
    }

    static byte[] memberKey(short type, String group, String memberId) {
        return write(out -> {
            out.writeShort(type);
            writeString(out, group);
            writeString(out, memberId);
        });
    }

    static byte[] groupMetadataValue(GroupMetadataValue v) {
        return write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeInt(v.groupEpoch());
            out.writeInt(v.assignmentEpoch());
            writeString(out, v.assignorName());
        });
    }

    static GroupMetadataValue readGroupMetadataValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort());
            return new GroupMetadataValue(in.readInt(), in.readInt(), readString(in));
        });
    }

    static byte[] subscriptionValue(Subscription s) {
        return write(out -> {
            out.writeShort(VALUE_VERSION);
            writeString(out, s.instanceId());
            writeString(out, s.rackId());
            writeString(out, s.clientId());
            writeString(out, s.clientHost());
            out.writeInt(s.rebalanceTimeoutMs());
            out.writeInt(s.topicNames().size());
            for (String t : s.topicNames()) {
                writeString(out, t);
            }
            writeString(out, s.topicRegex());
            writeString(out, s.serverAssignor());
        });
    }

    static Subscription readSubscriptionValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort());
            String instanceId = readString(in);
            String rackId = readString(in);
            String clientId = readString(in);
            String clientHost = readString(in);
            int rebalanceTimeoutMs = in.readInt();
            int n = in.readInt();
            List<String> topics = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                topics.add(readString(in));
            }
            return new Subscription(instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs, topics,
                    readString(in), readString(in));
        });
    }

    static byte[] targetValue(Map<Uuid, SortedSet<Integer>> target) {
        return write(out -> {
            out.writeShort(VALUE_VERSION);
            writePartitions(out, target);
        });
    }

    static Map<Uuid, SortedSet<Integer>> readTargetValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort());
            return readPartitions(in);
        });
    }

    static byte[] currentValue(Current c) {
        return write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeInt(c.memberEpoch());
            out.writeInt(c.previousMemberEpoch());
            out.writeByte(c.state().ordinal());
            writePartitions(out, c.assigned());
            writePartitions(out, c.pendingRevocation());
        });
    }

    static Current readCurrentValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort());
            return new Current(in.readInt(), in.readInt(), MemberState.of(in.readByte()), readPartitions(in),
                    readPartitions(in));
        });
    }

    private static void writePartitions(DataOutputStream out, Map<Uuid, SortedSet<Integer>> partitions)
            throws IOException {
        out.writeInt(partitions.size());
        for (var e : partitions.entrySet()) {
            out.writeLong(e.getKey().getMostSignificantBits());
            out.writeLong(e.getKey().getLeastSignificantBits());
            out.writeInt(e.getValue().size());
            for (int p : e.getValue()) {
                out.writeInt(p);
            }
        }
    }

    private static Map<Uuid, SortedSet<Integer>> readPartitions(DataInputStream in) throws IOException {
        int topics = in.readInt();
        Map<Uuid, SortedSet<Integer>> out = new TreeMap<>();
        for (int i = 0; i < topics; i++) {
            Uuid id = new Uuid(in.readLong(), in.readLong());
            int n = in.readInt();
            if (n < 0 || n > in.available() / 4) {
                throw new IOException("partition count " + n + " beyond the record");
            }
            SortedSet<Integer> ps = new TreeSet<>();
            for (int j = 0; j < n; j++) {
                ps.add(in.readInt());
            }
            out.put(id, ps);
        }
        return TopicPartitions.copyOf(out);
    }

    private static void checkVersion(short version) {
        if (version < 0 || version > VALUE_VERSION) {
            throw new IllegalArgumentException("unknown consumer group value version " + version);
        }
    }
}
