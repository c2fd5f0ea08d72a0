package io.sluice.coordinator.group;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * Sluice's own format for the records of {@code __consumer_offsets}.
 *
 * <p>Keys start with a short type: {@link #OFFSET_KEY} then (group, topic, partition), or
 * {@link #GROUP_KEY} then (group); KIP-848 consumer groups add the types of
 * {@link ConsumerGroupRecordSerde}. Compaction keeps the latest value per key, so each committed
 * offset and each group's metadata survive on their own; a null value (tombstone) deletes them.
 * Values start with a short format version so a later version can add fields; a reader refuses a
 * version newer than it knows instead of guessing.
 */
public final class GroupRecordSerde {
    public static final short OFFSET_KEY = 1;
    public static final short GROUP_KEY = 2;
    static final short OFFSET_VALUE_VERSION = 0;
    static final short GROUP_VALUE_VERSION = 0;

    private GroupRecordSerde() {}

    /** A decoded key: exactly one of the two shapes. */
    public sealed interface Key permits OffsetKey, GroupKey, ConsumerGroupRecordSerde.ConsumerKey {}

    public record OffsetKey(String group, TopicPartition partition) implements Key {}

    public record GroupKey(String group) implements Key {}

    public record OffsetValue(long offset, int leaderEpoch, String metadata, long commitTimestamp) {}

    public record MemberValue(String memberId, String groupInstanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {}

    public record GroupValue(String protocolType, int generation, String protocol, String leader,
                             long stateTimestamp, List<MemberValue> members) {}

    public static byte[] offsetKey(String group, TopicPartition tp) {
        return write(out -> {
            out.writeShort(OFFSET_KEY);
            writeString(out, group);
            writeString(out, tp.topic());
            out.writeInt(tp.partition());
        });
    }

    public static byte[] groupKey(String group) {
        return write(out -> {
            out.writeShort(GROUP_KEY);
            writeString(out, group);
        });
    }

    public static byte[] offsetValue(OffsetValue v) {
        return write(out -> {
            out.writeShort(OFFSET_VALUE_VERSION);
            out.writeLong(v.offset());
            out.writeInt(v.leaderEpoch());
            writeString(out, v.metadata());
            out.writeLong(v.commitTimestamp());
        });
    }

    public static byte[] groupValue(GroupValue v) {
        return write(out -> {
            out.writeShort(GROUP_VALUE_VERSION);
            writeString(out, v.protocolType());
            out.writeInt(v.generation());
            writeString(out, v.protocol());
            writeString(out, v.leader());
            out.writeLong(v.stateTimestamp());
            out.writeInt(v.members().size());
            for (MemberValue m : v.members()) {
                writeString(out, m.memberId());
                writeString(out, m.groupInstanceId());
                writeString(out, m.clientId());
                writeString(out, m.clientHost());
                out.writeInt(m.rebalanceTimeoutMs());
                out.writeInt(m.sessionTimeoutMs());
                writeBytes(out, m.subscription());
                writeBytes(out, m.assignment());
            }
        });
    }

    public static Key readKey(byte[] key) {
        return read(key, in -> {
            short type = in.readShort();
            return switch (type) {
                case OFFSET_KEY -> new OffsetKey(readString(in), new TopicPartition(readString(in), in.readInt()));
                case GROUP_KEY -> new GroupKey(readString(in));
                case ConsumerGroupRecordSerde.GROUP_METADATA_KEY, ConsumerGroupRecordSerde.MEMBER_KEY,
                     ConsumerGroupRecordSerde.TARGET_KEY, ConsumerGroupRecordSerde.CURRENT_KEY ->
                        ConsumerGroupRecordSerde.readKey(type, in);
                default -> throw new IllegalArgumentException("unknown key type " + type);
            };
        });
    }

    public static OffsetValue readOffsetValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort(), OFFSET_VALUE_VERSION, "offset");
            return new OffsetValue(in.readLong(), in.readInt(), readString(in), in.readLong());
        });
    }

    public static GroupValue readGroupValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort(), GROUP_VALUE_VERSION, "group");
            String protocolType = readString(in);
            int generation = in.readInt();
            String protocol = readString(in);
            String leader = readString(in);
            long stateTimestamp = in.readLong();
            int count = in.readInt();
            List<MemberValue> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                members.add(new MemberValue(readString(in), readString(in), readString(in), readString(in),
                        in.readInt(), in.readInt(), readBytes(in), readBytes(in)));
            }
            return new GroupValue(protocolType, generation, protocol, leader, stateTimestamp, members);
        });
    }

    private static void checkVersion(short version, short known, String what) {
        if (version < 0 || version > known) {
            throw new IllegalArgumentException("unknown " + what + " value version " + version);
        }
    }

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T read(byte[] data, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated record: " + e.getMessage(), e);
        }
    }

    /** A string as a signed int length (-1 for null) and UTF-8 bytes. */
    static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > in.available()) {
            throw new IOException("length " + length + " beyond the record");
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }
}
