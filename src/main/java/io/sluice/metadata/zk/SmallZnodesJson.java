package io.sluice.metadata.zk;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The cluster-level znodes, each a few fields: {@code /cluster/id}, {@code /controller},
 * {@code /controller_epoch} and {@code /latest_producer_id_block}.
 */
final class SmallZnodesJson {
    private SmallZnodesJson() {}

    /** {@code /cluster/id}: {@code {"version":"1","id":"<cluster id>"}} (the version is a string in Kafka). */
    static byte[] clusterId(String id) {
        return ZkJson.bytes(new JsonObject().put("version", "1").put("id", id));
    }

    static String decodeClusterId(byte[] data) {
        return ZkJson.parse(ZnodePaths.CLUSTER_ID, data).getString("id");
    }

    /** {@code /controller}: {@code {"version":2,"brokerid":B,"timestamp":"...","kraftControllerEpoch":-1}}. */
    static byte[] controller(int brokerId, long timestampMs) {
        return ZkJson.bytes(new JsonObject().put("version", 2).put("brokerid", brokerId)
                .put("timestamp", Long.toString(timestampMs)).put("kraftControllerEpoch", -1));
    }

    static int decodeControllerId(byte[] data) {
        return ZkJson.parse(ZnodePaths.CONTROLLER, data).getInteger("brokerid", -1);
    }

    /** {@code /controller_epoch} holds a bare integer, not JSON. */
    static byte[] controllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    static int decodeControllerEpoch(byte[] data) {
        return data == null || data.length == 0 ? 0 : Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim());
    }

    /**
     * {@code /latest_producer_id_block}: {@code {"version":1,"broker":B,"block_start":"..","block_end":".."}},
     * bounds inclusive and written as strings, as Kafka does.
     */
    static byte[] producerIdBlock(int brokerId, long blockStart, long blockEndInclusive) {
        return ZkJson.bytes(new JsonObject().put("version", 1).put("broker", brokerId)
                .put("block_start", Long.toString(blockStart)).put("block_end", Long.toString(blockEndInclusive)));
    }

    /** The first producer id after the latest block (0 when the znode is empty, as Kafka creates it). */
    static long decodeNextProducerId(byte[] data) {
        if (data == null || data.length == 0) {
            return 0;
        }
        return ZkJson.longOf(ZkJson.parse(ZnodePaths.LATEST_PRODUCER_ID_BLOCK, data), "block_end") + 1;
    }
}
