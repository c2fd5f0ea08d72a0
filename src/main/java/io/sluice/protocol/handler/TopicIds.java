package io.sluice.protocol.handler;

import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.TopicImage;
import org.apache.kafka.common.Uuid;

/** Topic id and name lookups for the group APIs that moved to topic ids (OffsetCommit/OffsetFetch v10). */
final class TopicIds {
    private TopicIds() {}

    /** The topic's name, or null if no topic has this id (deleted, or never existed). */
    static String name(MetadataImage image, Uuid id) {
        return image.topic(id).map(TopicImage::name).orElse(null);
    }

    /** The topic's id, or null if the topic does not exist (any more). */
    static Uuid id(MetadataImage image, String name) {
        return image.topic(name).map(TopicImage::id).orElse(null);
    }
}
