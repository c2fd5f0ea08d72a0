package io.sluice.metadata;

/** A listener a broker advertises to clients. */
public record BrokerEndpoint(String listenerName, String host, int port, String securityProtocol) {}
