package io.sluice.protocol;

import io.sluice.network.ConnectionInfo;
import org.apache.kafka.common.requests.RequestHeader;

/** What a handler may know about the request besides its body. */
public record RequestContext(RequestHeader header, ConnectionInfo connection) {
    public short apiVersion() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }

    public String listenerName() {
        return connection.listenerName();
    }
}
