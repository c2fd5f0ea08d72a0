package io.sluice.metadata;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.Collections;
import org.apache.kafka.common.Uuid;

/** A topic in the metadata image: its id, partitions (by index) and its config overrides. */
public record TopicImage(String name, Uuid id, SortedMap<Integer, PartitionImage> partitions,
                         Map<String, String> configs) {
    public TopicImage {
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
        configs = Map.copyOf(configs);
    }

    public boolean isInternal() {
        return org.apache.kafka.common.internals.Topic.isInternal(name);
    }
}
