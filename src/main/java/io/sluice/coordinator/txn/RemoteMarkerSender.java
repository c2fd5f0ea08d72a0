package io.sluice.coordinator.txn;

import io.sluice.client.BrokerConnection;
import io.sluice.coordinator.DaemonThreads;
import io.sluice.metadata.BrokerEndpoint;
import io.sluice.metadata.BrokerImage;
import io.sluice.metadata.MetadataImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Sends a transaction's markers to the broker that leads its partitions, as WriteTxnMarkers on that broker's
 * inter-broker listener. Each destination broker has a thread and a connection of its own, so a broker that does
 * not answer delays only the markers bound for it; the transaction coordinator retries what failed.
 */
final class RemoteMarkerSender implements AutoCloseable {
    /** v1, the oldest version kafka-clients 4 keeps and one every broker of the cluster answers. */
    private static final short VERSION = 1;

    private final Supplier<MetadataImage> image;
    private final String listenerName;
    private final int requestTimeoutMs;
    private final Map<Integer, Destination> destinations = new ConcurrentHashMap<>();
    private volatile boolean closed;

    RemoteMarkerSender(Supplier<MetadataImage> image, String listenerName, int requestTimeoutMs) {
        this.image = image;
        this.listenerName = listenerName;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    /** Writes the marker on broker {@code brokerId}; completes with each partition's error. */
    CompletableFuture<Map<TopicPartition, Errors>> send(int brokerId, long producerId, short producerEpoch,
                                                        int coordinatorEpoch, boolean commit,
                                                        Collection<TopicPartition> partitions) {
        WritableTxnMarker marker = new WritableTxnMarker().setProducerId(producerId).setProducerEpoch(producerEpoch)
                .setCoordinatorEpoch(coordinatorEpoch).setTransactionResult(commit);
        partitions.stream().collect(Collectors.groupingBy(TopicPartition::topic))
                .forEach((topic, tps) -> marker.topics().add(new WritableTxnMarkerTopic().setName(topic)
                        .setPartitionIndexes(tps.stream().map(TopicPartition::partition).toList())));
        WriteTxnMarkersRequestData request = new WriteTxnMarkersRequestData().setMarkers(List.of(marker));
        closeDeparted();
        try {
            Destination destination = destinations.computeIfAbsent(brokerId, Destination::new);
            if (closed) {
                destination.close(); // created after close() went through the map
            }
            return CompletableFuture.supplyAsync(() -> destination.send(request, partitions), destination.thread);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(allFailed(partitions, Errors.BROKER_NOT_AVAILABLE));
        }
    }

    /** A broker gone from the cluster takes its thread and connection with it. */
    private void closeDeparted() {
        Map<Integer, BrokerImage> live = image.get().brokers();
        destinations.entrySet().removeIf(e -> {
            if (live.containsKey(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    private static Map<TopicPartition, Errors> allFailed(Collection<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> errors = new HashMap<>();
        partitions.forEach(tp -> errors.put(tp, error));
        return errors;
    }

    @Override
    public void close() {
        closed = true;
        destinations.values().forEach(Destination::close);
    }

    /** One destination broker: its thread and its connection, used by that thread only. */
    private final class Destination {
        private final int brokerId;
        private final ExecutorService thread;
        private final BrokerConnection connection;

        Destination(int brokerId) {
            this.brokerId = brokerId;
            this.thread = Executors.newSingleThreadExecutor(DaemonThreads.named("sluice-txn-markers-to-" + brokerId));
            this.connection = new BrokerConnection("txn-markers-to-" + brokerId, requestTimeoutMs);
        }

        Map<TopicPartition, Errors> send(WriteTxnMarkersRequestData request, Collection<TopicPartition> partitions) {
            Optional<BrokerEndpoint> endpoint = Optional.ofNullable(image.get().brokers().get(brokerId))
                    .filter(b -> !b.fenced())
                    .flatMap((BrokerImage b) -> b.endpoint(listenerName));
            if (endpoint.isEmpty()) {
                return allFailed(partitions, Errors.BROKER_NOT_AVAILABLE);
            }
            InetSocketAddress address = new InetSocketAddress(endpoint.get().host(), endpoint.get().port());
            WriteTxnMarkersResponseData response;
            try {
                response = (WriteTxnMarkersResponseData) connection.send(address, ApiKeys.WRITE_TXN_MARKERS, VERSION,
                        request, requestTimeoutMs);
            } catch (IOException e) {
                return allFailed(partitions, Errors.NETWORK_EXCEPTION);
            }
            Map<TopicPartition, Errors> errors = allFailed(partitions, Errors.UNKNOWN_SERVER_ERROR);
            response.markers().forEach(m -> m.topics().forEach(t -> t.partitions().forEach(p ->
                    errors.put(new TopicPartition(t.name(), p.partitionIndex()), Errors.forCode(p.errorCode())))));
            return errors;
        }

        void close() {
            thread.shutdownNow();
            connection.close();
        }
    }
}
