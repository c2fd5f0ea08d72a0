package io.sluice.network;

/** Who sent a request: the listener it arrived on and the peer's address, for logs and quotas. */
public record ConnectionInfo(String connectionId, String listenerName, String securityProtocol, String peerAddress) {}
