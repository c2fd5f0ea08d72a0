package io.sluice.metadata.zk;

import io.sluice.metadata.ControllerRequestHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * Topic deletions asked for the ZooKeeper way: a tool (or an operator with zookeeper-shell) writes
 * {@code /admin/delete_topics/<topic>}; the active controller deletes the topic through the same
 * controller path DeleteTopics takes, then removes the marker, as Kafka's controller does. A marker
 * stays only while the controller could not answer (it is retried on the next sync); once answered,
 * even with a refusal such as deletion being disabled, it is removed and the outcome logged.
 */
final class ZkTopicDeletionMarkers {
    private static final Logger LOG = Logger.getLogger(ZkTopicDeletionMarkers.class);
    private static final int TIMEOUT_MS = 30_000;

    private final CuratorFramework zk;
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();

    ZkTopicDeletionMarkers(CuratorFramework zk) {
        this.zk = zk;
    }

    /** On the active controller: starts the deletion of every marked topic not already under way. */
    void process(ControllerRequestHandler controller, Executor metadataThread) throws Exception {
        List<String> marked = zk.getChildren().forPath(ZnodePaths.ADMIN_DELETE_TOPICS);
        for (String topic : marked) {
            if (!inProgress.add(topic)) {
                continue;
            }
            DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTopicNames(List.of(topic))
                    .setTimeoutMs(TIMEOUT_MS);
            controller.handle(ApiKeys.DELETE_TOPICS, request).whenComplete((response, error) ->
                    metadataThread.execute(() -> finish(topic, response, error)));
        }
    }

    private void finish(String topic, ApiMessage response, Throwable error) {
        try {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RetriableException) {
                LOG.infof("Deletion of topic %s marked in %s waits: %s", topic, ZnodePaths.ADMIN_DELETE_TOPICS,
                        cause.getMessage());
                return; // the marker stays; the next sync tries again
            }
            Errors outcome = cause != null ? Errors.forException(cause) : Errors.forCode(
                    ((DeleteTopicsResponseData) response).responses().find(topic).errorCode());
            if (outcome == Errors.NONE) {
                LOG.infof("Deleted topic %s as marked in %s", topic, ZnodePaths.ADMIN_DELETE_TOPICS);
            } else {
                LOG.warnf("Topic %s marked for deletion in %s was not deleted: %s", topic,
                        ZnodePaths.ADMIN_DELETE_TOPICS, outcome.message());
            }
            zk.delete().quietly().forPath(ZnodePaths.deleteTopic(topic));
        } catch (Exception e) {
            LOG.debugf("Removing the deletion marker of %s failed (retried on the next sync): %s", topic, e);
        } finally {
            inProgress.remove(topic);
        }
    }
}
