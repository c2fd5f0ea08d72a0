package io.sluice.metadata.zk;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** Shared helpers of the per-znode JSON codecs: Kafka stores UTF-8 JSON objects in znodes. */
final class ZkJson {
    private ZkJson() {}

    static byte[] bytes(JsonObject json) {
        return json.encode().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a znode's data; a znode that is not a JSON object is reported with its path. */
    static JsonObject parse(String path, byte[] data) {
        if (data == null || data.length == 0) {
            throw new IllegalStateException("Znode " + path + " has no data");
        }
        try {
            return new JsonObject(new String(data, StandardCharsets.UTF_8));
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalStateException("Znode " + path + " does not hold a JSON object: " + e.getMessage(), e);
        }
    }

    /** Kafka writes some numbers as JSON strings (timestamps, producer id bounds): read either form. */
    static long longOf(JsonObject json, String key) {
        Object value = json.getValue(key);
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s);
        }
        throw new IllegalStateException("Field " + key + " missing or not a number in " + json.encode());
    }
}
