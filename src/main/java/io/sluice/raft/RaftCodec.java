package io.sluice.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.raft.RaftMessage.BeginEpoch;
import io.sluice.raft.RaftMessage.BeginEpochResponse;
import io.sluice.raft.RaftMessage.FetchRequest;
import io.sluice.raft.RaftMessage.FetchResponse;
import io.sluice.raft.RaftMessage.FetchSnapshotRequest;
import io.sluice.raft.RaftMessage.FetchSnapshotResponse;
import io.sluice.raft.RaftMessage.PreVoteRequest;
import io.sluice.raft.RaftMessage.PreVoteResponse;
import io.sluice.raft.RaftMessage.VoteRequest;
import io.sluice.raft.RaftMessage.VoteResponse;
import io.sluice.raft.proto.ApplicationMessage;
import io.sluice.raft.proto.Entry;
import io.sluice.raft.proto.FetchError;
import io.sluice.raft.proto.RaftFrame;
import java.util.List;

/**
 * Translates between {@link RaftMessage} records and the protobuf {@link RaftFrame} of raft.proto.
 * Kept apart from the transport so the wire format is testable without sockets.
 */
public final class RaftCodec {
    public static final int VERSION = 1;

    /** What a frame carries: a Raft message, or an application message riding the same connection. */
    public sealed interface Decoded {
    }

    public record Raft(RaftMessage message) implements Decoded {
    }

    public record Application(int from, String kind, byte[] payload) implements Decoded {
    }

    private RaftCodec() {
    }

    public static byte[] encode(String clusterId, RaftMessage m) {
        RaftFrame.Builder f = RaftFrame.newBuilder().setVersion(VERSION).setFrom(m.from()).setClusterId(clusterId);
        if (m instanceof PreVoteRequest r) {
            f.setPreVoteRequest(io.sluice.raft.proto.PreVoteRequest.newBuilder().setEpoch(r.epoch())
                    .setLastEpoch(r.lastEpoch()).setEndOffset(r.endOffset()));
        } else if (m instanceof PreVoteResponse r) {
            f.setPreVoteResponse(io.sluice.raft.proto.PreVoteResponse.newBuilder().setEpoch(r.epoch())
                    .setLeaderId(r.leaderId()).setGranted(r.granted()));
        } else if (m instanceof VoteRequest r) {
            f.setVoteRequest(io.sluice.raft.proto.VoteRequest.newBuilder().setEpoch(r.epoch())
                    .setLastEpoch(r.lastEpoch()).setEndOffset(r.endOffset()));
        } else if (m instanceof VoteResponse r) {
            f.setVoteResponse(io.sluice.raft.proto.VoteResponse.newBuilder().setEpoch(r.epoch())
                    .setLeaderId(r.leaderId()).setGranted(r.granted()));
        } else if (m instanceof BeginEpoch r) {
            f.setBeginEpoch(io.sluice.raft.proto.BeginEpoch.newBuilder().setEpoch(r.epoch()));
        } else if (m instanceof BeginEpochResponse r) {
            f.setBeginEpochResponse(io.sluice.raft.proto.BeginEpochResponse.newBuilder().setEpoch(r.epoch())
                    .setLeaderId(r.leaderId()));
        } else if (m instanceof FetchRequest r) {
            f.setFetchRequest(io.sluice.raft.proto.FetchRequest.newBuilder().setEpoch(r.epoch())
                    .setRequestId(r.requestId()).setFetchOffset(r.fetchOffset())
                    .setLastFetchedEpoch(r.lastFetchedEpoch()).setHighWatermark(r.highWatermark())
                    .setReplicaDirectoryId(r.directoryId()));
        } else if (m instanceof FetchResponse r) {
            io.sluice.raft.proto.FetchResponse.Builder b = io.sluice.raft.proto.FetchResponse.newBuilder()
                    .setEpoch(r.epoch()).setLeaderId(r.leaderId()).setRequestId(r.requestId())
                    .setError(FetchError.forNumber(r.error().ordinal())).setHighWatermark(r.highWatermark())
                    .setLeaderEndpoint(r.leaderEndpoint());
            for (LogEntry e : r.entries()) {
                b.addEntries(Entry.newBuilder().setOffset(e.offset()).setEpoch(e.epoch()).setControl(e.control())
                        .setData(ByteString.copyFrom(e.data())));
            }
            if (r.diverging() != null) {
                b.setDiverging(toProto(r.diverging()));
            }
            if (r.snapshotId() != null) {
                b.setSnapshotId(toProto(r.snapshotId()));
            }
            f.setFetchResponse(b);
        } else if (m instanceof FetchSnapshotRequest r) {
            f.setFetchSnapshotRequest(io.sluice.raft.proto.FetchSnapshotRequest.newBuilder().setEpoch(r.epoch())
                    .setRequestId(r.requestId()).setSnapshotId(toProto(r.snapshotId())).setPosition(r.position()));
        } else if (m instanceof FetchSnapshotResponse r) {
            f.setFetchSnapshotResponse(io.sluice.raft.proto.FetchSnapshotResponse.newBuilder().setEpoch(r.epoch())
                    .setLeaderId(r.leaderId()).setRequestId(r.requestId())
                    .setError(FetchError.forNumber(r.error().ordinal())).setSnapshotId(toProto(r.snapshotId()))
                    .setTotalSize(r.totalSize()).setPosition(r.position()).setChunk(ByteString.copyFrom(r.chunk())));
        } else {
            throw new IllegalArgumentException("unknown message " + m);
        }
        return f.build().toByteArray();
    }

    public static byte[] encodeApplication(String clusterId, int from, String kind, byte[] payload) {
        return RaftFrame.newBuilder().setVersion(VERSION).setFrom(from).setClusterId(clusterId)
                .setApplication(ApplicationMessage.newBuilder().setKind(kind).setPayload(ByteString.copyFrom(payload)))
                .build().toByteArray();
    }

    /**
     * Decodes one frame; throws {@link IllegalArgumentException} for garbage, a format we cannot read or
     * a frame from another cluster.
     */
    public static Decoded decode(String clusterId, byte[] bytes) {
        RaftFrame f;
        try {
            f = RaftFrame.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("malformed raft frame: " + e.getMessage(), e);
        }
        if (f.getVersion() != VERSION) {
            throw new IllegalArgumentException("unsupported raft frame version " + f.getVersion());
        }
        if (!f.getClusterId().equals(clusterId)) {
            throw new IllegalArgumentException("raft frame from node " + f.getFrom() + " of cluster '"
                    + f.getClusterId() + "', not of this cluster '" + clusterId + "'");
        }
        int from = f.getFrom();
        return switch (f.getMessageCase()) {
            case PRE_VOTE_REQUEST -> {
                var r = f.getPreVoteRequest();
                yield new Raft(new PreVoteRequest(from, r.getEpoch(), r.getLastEpoch(), r.getEndOffset()));
            }
            case PRE_VOTE_RESPONSE -> {
                var r = f.getPreVoteResponse();
                yield new Raft(new PreVoteResponse(from, r.getEpoch(), r.getLeaderId(), r.getGranted()));
            }
            case VOTE_REQUEST -> {
                var r = f.getVoteRequest();
                yield new Raft(new VoteRequest(from, r.getEpoch(), r.getLastEpoch(), r.getEndOffset()));
            }
            case VOTE_RESPONSE -> {
                var r = f.getVoteResponse();
                yield new Raft(new VoteResponse(from, r.getEpoch(), r.getLeaderId(), r.getGranted()));
            }
            case BEGIN_EPOCH -> new Raft(new BeginEpoch(from, f.getBeginEpoch().getEpoch()));
            case BEGIN_EPOCH_RESPONSE -> {
                var r = f.getBeginEpochResponse();
                yield new Raft(new BeginEpochResponse(from, r.getEpoch(), r.getLeaderId()));
            }
            case FETCH_REQUEST -> {
                var r = f.getFetchRequest();
                yield new Raft(new FetchRequest(from, r.getEpoch(), r.getRequestId(), r.getFetchOffset(),
                        r.getLastFetchedEpoch(), r.getHighWatermark(), r.getReplicaDirectoryId()));
            }
            case FETCH_RESPONSE -> {
                var r = f.getFetchResponse();
                List<LogEntry> entries = r.getEntriesList().stream()
                        .map(e -> new LogEntry(e.getOffset(), e.getEpoch(), e.getControl(), e.getData().toByteArray()))
                        .toList();
                yield new Raft(new FetchResponse(from, r.getEpoch(), r.getLeaderId(), r.getRequestId(),
                        error(r.getError()), entries, r.getHighWatermark(),
                        r.hasDiverging() ? fromProto(r.getDiverging()) : null,
                        r.hasSnapshotId() ? fromProto(r.getSnapshotId()) : null, r.getLeaderEndpoint()));
            }
            case FETCH_SNAPSHOT_REQUEST -> {
                var r = f.getFetchSnapshotRequest();
                yield new Raft(new FetchSnapshotRequest(from, r.getEpoch(), r.getRequestId(),
                        fromProto(r.getSnapshotId()), r.getPosition()));
            }
            case FETCH_SNAPSHOT_RESPONSE -> {
                var r = f.getFetchSnapshotResponse();
                yield new Raft(new FetchSnapshotResponse(from, r.getEpoch(), r.getLeaderId(), r.getRequestId(),
                        error(r.getError()), fromProto(r.getSnapshotId()), r.getTotalSize(), r.getPosition(),
                        r.getChunk().toByteArray()));
            }
            case APPLICATION -> new Application(from, f.getApplication().getKind(),
                    f.getApplication().getPayload().toByteArray());
            case MESSAGE_NOT_SET -> throw new IllegalArgumentException("raft frame without a message from " + from);
        };
    }

    private static RaftMessage.Error error(FetchError e) {
        RaftMessage.Error[] all = RaftMessage.Error.values();
        if (e == FetchError.UNRECOGNIZED || e.getNumber() >= all.length) {
            throw new IllegalArgumentException("unknown fetch error " + e);
        }
        return all[e.getNumber()];
    }

    private static io.sluice.raft.proto.OffsetAndEpoch toProto(OffsetAndEpoch id) {
        return io.sluice.raft.proto.OffsetAndEpoch.newBuilder().setOffset(id.offset()).setEpoch(id.epoch()).build();
    }

    private static OffsetAndEpoch fromProto(io.sluice.raft.proto.OffsetAndEpoch id) {
        return new OffsetAndEpoch(id.getOffset(), id.getEpoch());
    }
}
