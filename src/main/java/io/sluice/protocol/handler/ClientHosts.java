package io.sluice.protocol.handler;

/** The client host that group APIs report: the peer's address without its port. */
final class ClientHosts {
    private ClientHosts() {}

    static String hostOnly(String peer) {
        int colon = peer.lastIndexOf(':');
        String host = colon > 0 ? peer.substring(0, colon) : peer;
        return host.startsWith("/") ? host.substring(1) : host;
    }
}
