package io.sluice.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.raft.proto.VoterEndpoint;
import io.sluice.raft.proto.VoterRecord;
import io.sluice.raft.proto.VoterSetRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Voter sets as bytes: the data of a voter-set control entry, and the header a dynamic quorum puts in
 * front of the application's snapshot so that a snapshot carries the voter set it was taken under.
 */
public final class VoterSetCodec {
    /**
     * Marks a snapshot with a voter-set header. A static quorum's snapshots have none and stay the bare
     * application bytes they always were; 'S' (0x53) never starts a protobuf message field-1 tag, which is
     * what the metadata application writes, so the two cannot be confused.
     */
    private static final byte[] SNAPSHOT_MAGIC = "SLVS".getBytes(StandardCharsets.US_ASCII);

    private VoterSetCodec() {
    }

    /** A snapshot's parts: the voter set it carries, if any, and the application's bytes. */
    public record SnapshotParts(Optional<VoterSet> voters, byte[] application) {
    }

    public static byte[] encode(VoterSet set) {
        VoterSetRecord.Builder b = VoterSetRecord.newBuilder();
        for (Voter v : set.voters().values()) {
            VoterRecord.Builder r = VoterRecord.newBuilder().setId(v.id()).setDirectoryId(v.directoryId());
            v.endpoints().forEach(e -> r.addEndpoints(VoterEndpoint.newBuilder().setListener(e.listener())
                    .setAddress(e.address())));
            b.addVoters(r);
        }
        return b.build().toByteArray();
    }

    /** The voter set a control entry holds, or empty for a leader-change entry (no data). */
    public static Optional<VoterSet> decodeControl(byte[] data) {
        if (data.length == 0) {
            return Optional.empty();
        }
        return Optional.of(decode(ByteString.copyFrom(data)));
    }

    private static VoterSet decode(ByteString bytes) {
        VoterSetRecord record;
        try {
            record = VoterSetRecord.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt voter set record: " + e.getMessage(), e);
        }
        Map<Integer, Voter> voters = new TreeMap<>();
        for (VoterRecord r : record.getVotersList()) {
            List<Voter.Endpoint> endpoints = new ArrayList<>();
            r.getEndpointsList().forEach(e -> endpoints.add(new Voter.Endpoint(e.getListener(), e.getAddress())));
            voters.put(r.getId(), new Voter(r.getId(), r.getDirectoryId(), endpoints));
        }
        return new VoterSet(voters);
    }

    public static byte[] wrapSnapshot(VoterSet set, byte[] application) {
        byte[] voters = encode(set);
        return ByteBuffer.allocate(SNAPSHOT_MAGIC.length + 4 + voters.length + application.length)
                .put(SNAPSHOT_MAGIC).putInt(voters.length).put(voters).put(application).array();
    }

    public static SnapshotParts unwrapSnapshot(byte[] data) {
        if (data.length < SNAPSHOT_MAGIC.length + 4
                || !Arrays.equals(data, 0, SNAPSHOT_MAGIC.length, SNAPSHOT_MAGIC, 0, SNAPSHOT_MAGIC.length)) {
            return new SnapshotParts(Optional.empty(), data);
        }
        ByteBuffer buf = ByteBuffer.wrap(data, SNAPSHOT_MAGIC.length, data.length - SNAPSHOT_MAGIC.length);
        int length = buf.getInt();
        VoterSet set = decode(ByteString.copyFrom(data, buf.position(), length));
        int appStart = buf.position() + length;
        return new SnapshotParts(Optional.of(set), Arrays.copyOfRange(data, appStart, data.length));
    }
}
