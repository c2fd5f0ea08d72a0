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
 */
final class TopicAssignmentJson {
    static final int VERSION = 3;

    /** {@code topicId} is null for a topic written by a tool older than topic ids (version 1). */
    record Assignment(Uuid topicId, SortedMap<Integer, List<Integer>> replicas) {}

    private TopicAssignmentJson() {}

    static byte[] encode(Uuid topicId, Map<Integer, List<Integer>> replicas) {
        JsonObject partitions = new JsonObject();
        new TreeMap<>(replicas).forEach((p, r) -> partitions.put(Integer.toString(p), new JsonArray(new ArrayList<>(r))));
        return ZkJson.bytes(new JsonObject()
                .put("version", VERSION)
                .put("partitions", partitions)
                .put("topic_id", topicId.toString())
                .put("adding_replicas", new JsonObject())
                .put("removing_replicas", new JsonObject()));
    }

    static Assignment decode(String path, byte[] data) {
        JsonObject json = ZkJson.parse(path, data);
        SortedMap<Integer, List<Integer>> replicas = new TreeMap<>();
        JsonObject partitions = json.getJsonObject("partitions", new JsonObject());
        for (String p : partitions.fieldNames()) {
            List<Integer> ids = new ArrayList<>();
            partitions.getJsonArray(p).forEach(id -> ids.add(((Number) id).intValue()));
            replicas.put(Integer.parseInt(p), List.copyOf(ids));
        }
        String id = json.getString("topic_id");
        return new Assignment(id == null ? null : Uuid.fromString(id), replicas);
    }
}
