package io.sluice.network;

/**
 * What one Kafka listener needs to run.
 *
 * @param host bind address; empty or null binds every interface
 * @param port 0 picks a free port (tests)
 * @param maxQueuedRequestBytes bytes of received, not yet answered requests after which a connection stops being read
 */
public record ListenerSettings(String name, String securityProtocol, String host, int port, int maxRequestSize,
                               long maxQueuedRequestBytes, int maxQueuedRequests, long connectionsMaxIdleMs) {}
