package io.sluice.metadata;

import io.sluice.metadata.proto.Id128;
import org.apache.kafka.common.Uuid;

/** Converts Kafka's Uuid to and from its protobuf form in metadata records. */
public final class ProtoIds {
    private ProtoIds() {}

    public static Id128 toProto(Uuid id) {
        return Id128.newBuilder()
                .setMostSignificantBits(id.getMostSignificantBits())
                .setLeastSignificantBits(id.getLeastSignificantBits())
                .build();
    }

    public static Uuid fromProto(Id128 id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
