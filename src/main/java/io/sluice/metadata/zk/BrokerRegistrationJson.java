package io.sluice.metadata.zk;

import io.sluice.metadata.BrokerEndpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /brokers/ids/<id>}, Kafka's broker registration version 5:
 * {@code {"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"endpoints":["PLAINTEXT://host:9092"],
 * "rack":null,"jmx_port":-1,"port":9092,"host":"host","version":5,"timestamp":"...","features":{}}}.
 * {@code host}/{@code port} are the legacy PLAINTEXT endpoint (null/-1 without one), kept for old readers.
 */
final class BrokerRegistrationJson {
    static final int VERSION = 5;

    record Registration(int brokerId, List<BrokerEndpoint> endpoints, String rack) {}

    private BrokerRegistrationJson() {}

    static byte[] encode(List<BrokerEndpoint> endpoints, String rack, long timestampMs) {
        JsonObject protocols = new JsonObject();
        JsonArray urls = new JsonArray();
        String host = null;
        int port = -1;
        for (BrokerEndpoint e : endpoints) {
            protocols.put(e.listenerName(), e.securityProtocol());
            urls.add(e.listenerName() + "://" + hostForUrl(e.host()) + ":" + e.port());
            if (e.listenerName().equals("PLAINTEXT") && e.securityProtocol().equals("PLAINTEXT")) {
                host = e.host();
                port = e.port();
            }
        }
        JsonObject json = new JsonObject()
                .put("listener_security_protocol_map", protocols)
                .put("endpoints", urls)
                .put("rack", rack)
                .put("jmx_port", -1)
                .put("port", port)
                .put("host", host)
                .put("version", VERSION)
                .put("timestamp", Long.toString(timestampMs))
                .put("features", new JsonObject());
        return ZkJson.bytes(json);
    }

    static Registration decode(int brokerId, String path, byte[] data) {
        JsonObject json = ZkJson.parse(path, data);
        JsonObject protocols = json.getJsonObject("listener_security_protocol_map", new JsonObject());
        List<BrokerEndpoint> endpoints = new ArrayList<>();
        for (Object url : json.getJsonArray("endpoints", new JsonArray())) {
            endpoints.add(parseEndpoint(url.toString(), protocols));
        }
        if (endpoints.isEmpty() && json.getString("host") != null) {
            // A version 1 registration names only host and port, which are PLAINTEXT.
            endpoints.add(new BrokerEndpoint("PLAINTEXT", json.getString("host"), json.getInteger("port"), "PLAINTEXT"));
        }
        return new Registration(brokerId, endpoints, json.getString("rack"));
    }

    /** {@code NAME://host:port}, the host in brackets when it is IPv6. */
    private static BrokerEndpoint parseEndpoint(String url, JsonObject protocols) {
        int sep = url.indexOf("://");
        int colon = url.lastIndexOf(':');
        if (sep < 0 || colon <= sep + 2) {
            throw new IllegalStateException("Broker endpoint '" + url + "' is not NAME://host:port");
        }
        String name = url.substring(0, sep);
        String host = url.substring(sep + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(url.substring(colon + 1));
        // Without a protocol map (version < 2) the listener name is the protocol.
        return new BrokerEndpoint(name, host, port, protocols.getString(name, name));
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
