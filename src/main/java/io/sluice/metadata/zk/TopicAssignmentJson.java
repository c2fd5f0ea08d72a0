package io.sluice.metadata.zk;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * {@code /brokers/topics/<topic>}, Kafka's replica assignment version 3:
 * {@code {"version":3,"partitions":{"0":[1,2]},"topic_id":"<base64 uuid>","adding_replicas":{},"removing_replicas":{}}}.
 * The adding and removing maps name, per partition, the replicas an ongoing reassignment (KIP-455) adds
 * and removes; a partition without a reassignment is absent from both.
 */
final class TopicAssignmentJson {
    static final int VERSION = 3;

    /** {@code topicId} is null for a topic written by a tool older than topic ids (version 1). */
    record Assignment(Uuid topicId, SortedMap<Integer, List<Integer>> replicas,
                      Map<Integer, List<Integer>> adding, Map<Integer, List<Integer>> removing) {}

    private TopicAssignmentJson() {}

    static byte[] encode(Uuid topicId, Map<Integer, List<Integer>> replicas, Map<Integer, List<Integer>> adding,
                         Map<Integer, List<Integer>> removing) {
        return ZkJson.bytes(new JsonObject()
                .put("version", VERSION)
                .put("partitions", lists(replicas))
                .put("topic_id", topicId.toString())
                .put("adding_replicas", lists(adding))
                .put("removing_replicas", lists(removing)));
    }

    /** Partition to broker list; empty lists are left out, as Kafka writes them. */
    private static JsonObject lists(Map<Integer, List<Integer>> byPartition) {
        JsonObject json = new JsonObject();
        new TreeMap<>(byPartition).forEach((p, ids) -> {
            if (!ids.isEmpty()) {
                json.put(Integer.toString(p), new JsonArray(new ArrayList<>(ids)));
            }
        });
        return json;
    }

    private static SortedMap<Integer, List<Integer>> decodeLists(JsonObject json) {
        SortedMap<Integer, List<Integer>> out = new TreeMap<>();
        for (String p : json.fieldNames()) {
            List<Integer> ids = new ArrayList<>();
            json.getJsonArray(p).forEach(id -> ids.add(((Number) id).intValue()));
            out.put(Integer.parseInt(p), List.copyOf(ids));
        }
        return out;
    }

    static Assignment decode(String path, byte[] data) {
        JsonObject json = ZkJson.parse(path, data);
        String id = json.getString("topic_id");
        // Versions before 2 (Kafka before 2.4) have no adding/removing maps: no reassignment in progress.
        return new Assignment(id == null ? null : Uuid.fromString(id),
                decodeLists(json.getJsonObject("partitions", new JsonObject())),
                decodeLists(json.getJsonObject("adding_replicas", new JsonObject())),
                decodeLists(json.getJsonObject("removing_replicas", new JsonObject())));
    }
}
