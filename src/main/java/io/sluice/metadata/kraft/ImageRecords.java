package io.sluice.metadata.kraft;

import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.PartitionImage;
import io.sluice.metadata.TopicImage;
import io.sluice.metadata.proto.ConfigResourceType;
import io.sluice.metadata.proto.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image as the records that rebuild it from empty: the content of a metadata snapshot. Replaying
 * them through {@link io.sluice.metadata.MetadataDelta} yields the same image, so a snapshot needs no
 * format of its own and a newer reader replays old snapshots exactly like old log records.
 */
final class ImageRecords {
    private ImageRecords() {
    }

    static List<MetadataRecord> of(MetadataImage image) {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerImage b : image.brokers().values()) {
            // With its epoch and incarnation: the snapshot's offset is not where the broker registered.
            records.add(MetadataRecords.registerBroker(b));
        }
        for (Map.Entry<String, String> c : image.brokerConfigs().entrySet()) {
            records.add(MetadataRecords.config(ConfigResourceType.BROKER, MetadataRecords.CLUSTER_DEFAULT_BROKER,
                    c.getKey(), c.getValue()));
        }
        image.brokerConfigsById().forEach((id, configs) -> configs.forEach((k, v) ->
                records.add(MetadataRecords.config(ConfigResourceType.BROKER, Integer.toString(id), k, v))));
        for (TopicImage t : image.topics().values()) {
            records.add(MetadataRecords.topic(t.name(), t.id()));
            for (PartitionImage p : t.partitions().values()) {
                records.add(MetadataRecords.partition(t.id(), p));
            }
            t.configs().forEach((k, v) -> records.add(MetadataRecords.config(ConfigResourceType.TOPIC, t.name(), k, v)));
        }
        if (image.nextProducerId() > 0) {
            records.add(MetadataRecords.producerIds(-1, image.nextProducerId()));
        }
        return records;
    }
}
