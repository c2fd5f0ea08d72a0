package io.sluice.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * What one broker itself answers to Metadata, over its own connection. An admin client would pick
 * whichever broker it likes; comparing brokers needs each one's own view.
 */
public final class BrokerMetadataView implements AutoCloseable {
    private static final short VERSION = 12;
    private final RawKafkaClient client;

    public BrokerMetadataView(String host, int port) throws IOException {
        this.client = new RawKafkaClient(host, port);
    }

    /**
     * The topics this broker knows completely (no error, a leader for every partition), each as one
     * line that holds its id and every partition's leader, leader epoch, replicas and ISR: equal lines
     * on two brokers mean equal metadata.
     */
    public Map<String, String> topics(Collection<String> names) throws IOException {
        MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false);
        names.forEach(n -> request.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(n)));
        return describe(response(request));
    }

    /** The ids of the brokers this broker lists in its Metadata answer, sorted. */
    public List<Integer> brokerIds() throws IOException {
        List<Integer> ids = new ArrayList<>();
        response(new MetadataRequestData().setTopics(List.of())).brokers().forEach(b -> ids.add(b.nodeId()));
        ids.sort(null);
        return ids;
    }

    private MetadataResponseData response(MetadataRequestData request) throws IOException {
        MetadataResponse response = client.send(new MetadataRequest.Builder(request).build(VERSION));
        return response.data();
    }

    private static Map<String, String> describe(MetadataResponseData data) {
        Map<String, String> result = new TreeMap<>();
        for (MetadataResponseData.MetadataResponseTopic topic : data.topics()) {
            if (topic.errorCode() != Errors.NONE.code() || topic.partitions().isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder("id=").append(topic.topicId());
            List<MetadataResponseData.MetadataResponsePartition> partitions = new ArrayList<>(topic.partitions());
            partitions.sort((a, b) -> Integer.compare(a.partitionIndex(), b.partitionIndex()));
            boolean complete = true;
            for (MetadataResponseData.MetadataResponsePartition p : partitions) {
                complete &= p.errorCode() == Errors.NONE.code() && p.leaderId() >= 0;
                line.append(" p").append(p.partitionIndex()).append(":leader=").append(p.leaderId())
                        .append(",epoch=").append(p.leaderEpoch()).append(",replicas=").append(p.replicaNodes())
                        .append(",isr=").append(p.isrNodes());
            }
            if (complete) {
                result.put(topic.name(), line.toString());
            }
        }
        return result;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
