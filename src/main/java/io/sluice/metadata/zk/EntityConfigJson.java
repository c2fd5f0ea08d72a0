package io.sluice.metadata.zk;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /config/topics/<topic>} and {@code /config/brokers/<id or <default>>}: {@code {"version":1,"config":{...}}},
 * and the change notifications {@code /config/changes/config_change_NNNNNNNNNN} that tell Kafka brokers
 * which entity to reload: {@code {"version":2,"entity_path":"topics/<topic>"}}.
 */
final class EntityConfigJson {
    private EntityConfigJson() {}

    static byte[] encode(Map<String, String> configs) {
        JsonObject config = new JsonObject();
        new TreeMap<>(configs).forEach(config::put);
        return ZkJson.bytes(new JsonObject().put("version", 1).put("config", config));
    }

    static Map<String, String> decode(String path, byte[] data) {
        JsonObject config = ZkJson.parse(path, data).getJsonObject("config", new JsonObject());
        Map<String, String> configs = new HashMap<>();
        for (String key : config.fieldNames()) {
            Object value = config.getValue(key);
            if (value != null) {
                configs.put(key, value.toString());
            }
        }
        return configs;
    }

    /** {@code entityPath} is {@code topics/<topic>} or {@code brokers/<id>}. */
    static byte[] changeNotification(String entityPath) {
        return ZkJson.bytes(new JsonObject().put("version", 2).put("entity_path", entityPath));
    }
}
