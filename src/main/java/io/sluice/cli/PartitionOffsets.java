package io.sluice.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Earliest or latest offsets of many partitions, asked in chunks so that a group over thousands
 * of partitions shows progress on stderr instead of going silent.
 */
final class PartitionOffsets {
    static final int CHUNK = 500;

    private PartitionOffsets() {}

    static Map<TopicPartition, Long> earliest(Admin admin, Collection<TopicPartition> partitions, PrintWriter err) throws Exception {
        return lookup(admin, partitions, OffsetSpec.earliest(), "earliest", err);
    }

    static Map<TopicPartition, Long> latest(Admin admin, Collection<TopicPartition> partitions, PrintWriter err) throws Exception {
        return lookup(admin, partitions, OffsetSpec.latest(), "latest", err);
    }

    private static Map<TopicPartition, Long> lookup(Admin admin, Collection<TopicPartition> partitions, OffsetSpec spec,
            String what, PrintWriter err) throws Exception {
        List<TopicPartition> all = new ArrayList<>(partitions);
        Map<TopicPartition, Long> result = new HashMap<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (TopicPartition tp : all.subList(from, Math.min(all.size(), from + CHUNK))) {
                request.put(tp, spec);
            }
            admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp, info.offset()));
            if (all.size() > CHUNK) {
                err.println("Looked up " + what + " offsets of " + result.size() + "/" + all.size() + " partitions");
                err.flush();
            }
        }
        return result;
    }
}
