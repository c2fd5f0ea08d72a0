package io.sluice.metadata.zk;

import io.sluice.client.BrokerConnection;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * How a zk-mode broker reaches the controller, as Kafka 3.x brokers do: a controller-bound request
 * (AlterPartition, forwarded admin requests) goes over the Kafka protocol to the inter-broker listener
 * of the broker that {@code /controller} names, at the highest version both sides speak (learnt once
 * per address with ApiVersions).
 *
 * <p>One request at a time on a thread of its own, as Kafka's broker-to-controller channel keeps one
 * in flight, so no event loop ever waits on the socket. No controller known, or none answering: the
 * request fails with NOT_CONTROLLER, which every sender retries.
 */
final class ZkControllerForwarder implements AutoCloseable {
    /** ApiVersions v3 (KIP-511), which every broker of ours and Kafka's since 2.4 answers. */
    private static final short API_VERSIONS_VERSION = 3;

    private final int brokerId;
    private final String listenerName;
    private final int requestTimeoutMs;
    private final Supplier<MetadataImage> image;
    private final ExecutorService thread;
    private final BrokerConnection connection;
    /** The versions the controller at {@link #versionsOf} speaks; confined to the forwarder thread. */
    private final Map<ApiKeys, Short> versions = new HashMap<>();
    private InetSocketAddress versionsOf;

    ZkControllerForwarder(int brokerId, String listenerName, int requestTimeoutMs, Supplier<MetadataImage> image) {
        this.brokerId = brokerId;
        this.listenerName = listenerName;
        this.requestTimeoutMs = requestTimeoutMs;
        this.image = image;
        this.connection = new BrokerConnection("broker-" + brokerId + "-to-controller", requestTimeoutMs);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sluice-zk-controller-forwarder");
            t.setDaemon(true);
            return t;
        });
    }

    CompletableFuture<ApiMessage> send(ApiKeys api, ApiMessage request) {
        try {
            return CompletableFuture.supplyAsync(() -> sendNow(api, request), thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new NotControllerException("Broker " + brokerId + " is shutting down"));
        }
    }

    private ApiMessage sendNow(ApiKeys api, ApiMessage request) {
        MetadataImage current = image.get();
        int controllerId = current.controllerId();
        if (controllerId == -1 || controllerId == brokerId) {
            // This broker itself only while it is not active (ZooKeeper unreachable): nobody to send to.
            throw new NotControllerException("No active controller is known to broker " + brokerId);
        }
        BrokerEndpoint endpoint = Optional.ofNullable(current.brokers().get(controllerId))
                .flatMap((BrokerImage b) -> b.endpoint(listenerName))
                .orElseThrow(() -> new NotControllerException("Controller broker " + controllerId
                        + " has no registered " + listenerName + " listener"));
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        try {
            return connection.send(address, api, version(address, api), request, requestTimeoutMs);
        } catch (IOException e) {
            versionsOf = null;
            throw new NotControllerException("Controller broker " + controllerId + " at " + address
                    + " did not answer " + api + ": " + e.getMessage());
        }
    }

    /** The highest version of {@code api} this build and the controller broker both speak. */
    private short version(InetSocketAddress address, ApiKeys api) throws IOException {
        if (!address.equals(versionsOf)) {
            ApiVersionsResponseData answer = (ApiVersionsResponseData) connection.send(address, ApiKeys.API_VERSIONS,
                    API_VERSIONS_VERSION,
                    new ApiVersionsRequestData().setClientSoftwareName("sluice").setClientSoftwareVersion("1"),
                    requestTimeoutMs);
            if (answer.errorCode() != Errors.NONE.code()) {
                throw new IOException("ApiVersions failed: " + Errors.forCode(answer.errorCode()));
            }
            versions.clear();
            answer.apiKeys().forEach(k -> {
                if (ApiKeys.hasId(k.apiKey())) {
                    versions.put(ApiKeys.forId(k.apiKey()), k.maxVersion());
                }
            });
            versionsOf = address;
        }
        Short theirs = versions.get(api);
        if (theirs == null || theirs < api.oldestVersion()) {
            throw new UnsupportedVersionException("Controller broker at " + address + " does not serve " + api);
        }
        return (short) Math.min(theirs, api.latestVersion());
    }

    @Override
    public void close() {
        thread.shutdownNow();
        connection.close();
    }
}
