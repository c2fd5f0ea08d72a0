package io.sluice.protocol.handler;

import io.sluice.log.PartitionLog;
import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.RequestContext;
import io.sluice.replica.Partition;
import io.sluice.replica.ReplicaManager;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/** DescribeLogDirs: each log dir with its partitions' sizes and the disk's total and usable bytes. */
public final class DescribeLogDirsHandler extends VersionedHandler<DescribeLogDirsRequestData> {
    private final ReplicaManager replicas;
    private final List<Path> logDirs;

    public DescribeLogDirsHandler(ReplicaManager replicas, List<Path> logDirs) {
        super(ApiKeys.DESCRIBE_LOG_DIRS, 1, 4);
        this.replicas = replicas;
        this.logDirs = logDirs;
    }

    @Override
    public CompletableFuture<DescribeLogDirsResponseData> handle(RequestContext context, DescribeLogDirsRequestData request) {
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        for (Path dir : logDirs) {
            DescribeLogDirsResult result = new DescribeLogDirsResult().setLogDir(dir.toAbsolutePath().toString())
                    .setTotalBytes(-1).setUsableBytes(-1);
            try {
                FileStore store = Files.getFileStore(dir);
                result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
            }
            Map<String, DescribeLogDirsTopic> topics = new TreeMap<>();
            for (Partition p : replicas.partitions()) {
                PartitionLog log = p.log();
                if (!log.directory().startsWith(dir) || !requested(request, p)) {
                    continue;
                }
                topics.computeIfAbsent(p.topicPartition().topic(), n -> new DescribeLogDirsTopic().setName(n))
                        .partitions().add(new DescribeLogDirsPartition().setPartitionIndex(p.topicPartition().partition())
                                .setPartitionSize(log.sizeInBytes()).setOffsetLag(0).setIsFutureKey(false));
            }
            result.topics().addAll(topics.values());
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }

    private static boolean requested(DescribeLogDirsRequestData request, Partition p) {
        if (request.topics() == null) {
            return true;
        }
        DescribableLogDirTopic topic = request.topics().find(p.topicPartition().topic());
        return topic != null && topic.partitions().contains(p.topicPartition().partition());
    }
}
