package io.sluice.network;

/** Who sent a request: the listener it arrived on and the peer's address, for logs and quotas. */
public record ConnectionInfo(String connectionId, String listenerName, String securityProtocol, String peerAddress) {
    /** File bytes can go to the socket untouched only where nothing (TLS) must transform them. */
    public boolean zeroCopy() {
        return "PLAINTEXT".equals(securityProtocol) || "SASL_PLAINTEXT".equals(securityProtocol);
    }
}
