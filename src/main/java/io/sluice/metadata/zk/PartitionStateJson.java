package io.sluice.metadata.zk;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /brokers/topics/<topic>/partitions/<p>/state}, Kafka's leader-and-ISR znode:
 * {@code {"controller_epoch":N,"leader":L,"version":1,"leader_epoch":E,"isr":[..]}}. Its znode version is
 * Kafka's partition epoch (zkVersion), which is why the backend reads it back as such.
 */
final class PartitionStateJson {
    record State(int leader, int leaderEpoch, List<Integer> isr, int controllerEpoch) {}

    private PartitionStateJson() {}

    static byte[] encode(State state) {
        return ZkJson.bytes(new JsonObject()
                .put("controller_epoch", state.controllerEpoch())
                .put("leader", state.leader())
                .put("version", 1)
                .put("leader_epoch", state.leaderEpoch())
                .put("isr", new JsonArray(new ArrayList<>(state.isr()))));
    }

    static State decode(String path, byte[] data) {
        JsonObject json = ZkJson.parse(path, data);
        List<Integer> isr = new ArrayList<>();
        json.getJsonArray("isr", new JsonArray()).forEach(id -> isr.add(((Number) id).intValue()));
        return new State(json.getInteger("leader", -1), json.getInteger("leader_epoch", 0), List.copyOf(isr),
                json.getInteger("controller_epoch", 0));
    }
}
