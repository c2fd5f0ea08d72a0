package io.sluice.server;

import io.sluice.metadata.ControllerChannel;
import io.sluice.server.config.MetadataMode;
import io.sluice.protocol.handler.AlterPartitionReassignmentsHandler;
import io.sluice.protocol.handler.DescribeQuorumHandler;
import io.sluice.protocol.handler.AddRaftVoterHandler;
import io.sluice.protocol.handler.RemoveRaftVoterHandler;
import io.sluice.coordinator.group.GroupCoordinator;
import io.sluice.protocol.handler.ConsumerGroupDescribeHandler;
import io.sluice.protocol.handler.ConsumerGroupHeartbeatHandler;
import io.sluice.protocol.handler.DeleteGroupsHandler;
import io.sluice.protocol.handler.DescribeGroupsHandler;
import io.sluice.protocol.handler.FindCoordinatorHandler;
import io.sluice.protocol.handler.HeartbeatHandler;
import io.sluice.protocol.handler.JoinGroupHandler;
import io.sluice.protocol.handler.LeaveGroupHandler;
import io.sluice.protocol.handler.ListGroupsHandler;
import io.sluice.protocol.handler.OffsetCommitHandler;
import io.sluice.protocol.handler.OffsetDeleteHandler;
import io.sluice.protocol.handler.OffsetFetchHandler;
import io.sluice.protocol.handler.SyncGroupHandler;
import io.sluice.metadata.MetadataBackend;
import io.sluice.protocol.HandlerRegistry;
import io.sluice.coordinator.txn.LeaderMarkerAppender;
import io.sluice.coordinator.txn.TransactionCoordinator;
import io.sluice.protocol.handler.AddOffsetsToTxnHandler;
import io.sluice.protocol.handler.AddPartitionsToTxnHandler;
import io.sluice.protocol.handler.DescribeProducersHandler;
import io.sluice.protocol.handler.DescribeTransactionsHandler;
import io.sluice.protocol.handler.EndTxnHandler;
import io.sluice.protocol.handler.WriteTxnMarkersHandler;
import io.sluice.protocol.handler.ListTransactionsHandler;
import io.sluice.protocol.handler.TxnOffsetCommitHandler;
import io.sluice.protocol.handler.AlterConfigsHandler;
import io.sluice.protocol.handler.AlterPartitionHandler;
import io.sluice.protocol.handler.DeleteRecordsHandler;
import io.sluice.protocol.handler.DescribeConfigsHandler;
import io.sluice.protocol.handler.DescribeLogDirsHandler;
import io.sluice.protocol.handler.InitProducerIdHandler;
import io.sluice.protocol.handler.ListOffsetsHandler;
import io.sluice.protocol.handler.ListPartitionReassignmentsHandler;
import io.sluice.protocol.handler.OffsetForLeaderEpochHandler;
import io.sluice.replica.OffsetLookup;
import java.nio.file.Path;
import io.sluice.protocol.handler.ApiVersionsHandler;
import io.sluice.protocol.handler.CreatePartitionsHandler;
import io.sluice.protocol.handler.CreateTopicsHandler;
import io.sluice.protocol.handler.DeleteTopicsHandler;
import io.sluice.protocol.handler.DescribeClusterHandler;
import io.sluice.protocol.handler.DescribeTopicPartitionsHandler;
import io.sluice.protocol.handler.ElectLeadersHandler;
import io.sluice.protocol.handler.FetchHandler;
import io.sluice.protocol.handler.FetchSessions;
import io.sluice.protocol.handler.IncrementalAlterConfigsHandler;
import io.sluice.protocol.handler.MetadataHandler;
import io.sluice.protocol.handler.ProduceHandler;
import io.sluice.replica.FetchReader;
import io.sluice.replica.ReplicaManager;
import io.sluice.replica.ReplicaSelector;
import io.sluice.server.config.BrokerConfig;
import java.util.concurrent.Executor;

/** The Kafka APIs this broker serves: one handler per API, registered once at start. */
final class BrokerApis {
    /** Kafka's max.incremental.fetch.session.cache.slots default. */
    private static final int FETCH_SESSION_SLOTS = 1000;
    private static final long FETCH_SESSION_IDLE_MS = 120_000;

    private BrokerApis() {}

    static HandlerRegistry registry(BrokerConfig config, MetadataBackend backend, ControllerChannel controller,
                                    ReplicaManager replicas, Executor requestHandlers, GroupCoordinator groups,
                                    TransactionCoordinator transactions, LeaderMarkerAppender markers) {
        HandlerRegistry registry = new HandlerRegistry();
        registry.register(new ApiVersionsHandler(registry))
                .register(new MetadataHandler(backend::image, controller, config.nodeId(),
                        config.getBoolean("auto.create.topics.enable")))
                .register(new DescribeClusterHandler(backend::image, config.nodeId()))
                .register(new DescribeTopicPartitionsHandler(backend::image))
                .register(new CreateTopicsHandler(controller))
                .register(new DeleteTopicsHandler(controller))
                .register(new CreatePartitionsHandler(controller))
                .register(new IncrementalAlterConfigsHandler(controller))
                .register(new AlterConfigsHandler(controller))
                .register(new ElectLeadersHandler(controller))
                .register(new DescribeConfigsHandler(backend::image, config))
                .register(new AlterPartitionReassignmentsHandler(controller))
                .register(new ListPartitionReassignmentsHandler(backend::image))
                .register(new InitProducerIdHandler(transactions))
                .register(new ProduceHandler(replicas, backend::image))
                .register(new ListOffsetsHandler(new OffsetLookup(replicas)))
                .register(new OffsetForLeaderEpochHandler(replicas))
                .register(new DeleteRecordsHandler(replicas))
                .register(new DescribeLogDirsHandler(replicas, config.logDirs().stream().map(Path::of).toList()))
                .register(new FetchHandler(new FetchReader(replicas,
                                ReplicaSelector.forConfig(config.getString(ReplicaSelector.CONFIG))), replicas.watchers(),
                        new FetchSessions(FETCH_SESSION_SLOTS, FETCH_SESSION_IDLE_MS), requestHandlers, backend::image))
                // consumer groups, classic protocol
                .register(new FindCoordinatorHandler(groups, transactions))
                .register(new JoinGroupHandler(groups))
                .register(new SyncGroupHandler(groups))
                .register(new HeartbeatHandler(groups))
                .register(new LeaveGroupHandler(groups))
                .register(new OffsetCommitHandler(groups))
                .register(new OffsetFetchHandler(groups))
                .register(new ListGroupsHandler(groups))
                .register(new DescribeGroupsHandler(groups))
                .register(new DeleteGroupsHandler(groups))
                .register(new OffsetDeleteHandler(groups))
                // transactions (KIP-98)
                .register(new AddPartitionsToTxnHandler(transactions, backend::image))
                .register(new AddOffsetsToTxnHandler(transactions, groups))
                .register(new EndTxnHandler(transactions))
                .register(new TxnOffsetCommitHandler(groups))
                .register(new DescribeTransactionsHandler(transactions))
                .register(new ListTransactionsHandler(transactions))
                .register(new DescribeProducersHandler(replicas))
                .register(new WriteTxnMarkersHandler(markers));
        // KIP-848 consumer groups, unless group.coordinator.rebalance.protocols leaves "consumer" out
        if (config.getList("group.coordinator.rebalance.protocols").contains("consumer")) {
            registry.register(new ConsumerGroupHeartbeatHandler(groups))
                    .register(new ConsumerGroupDescribeHandler(groups));
        }
        // The metadata quorum exists in kraft mode only; a ZooKeeper-mode broker does not offer the API, as Kafka's.
        if (config.metadataMode() == MetadataMode.KRAFT) {
            registry.register(new DescribeQuorumHandler(controller))
                    .register(new AddRaftVoterHandler(controller))
                    .register(new RemoveRaftVoterHandler(controller));
        }
        // A zk-mode controller broker takes its peers' ISR changes on the broker listeners, as Kafka 3.x's.
        if (config.metadataMode() == MetadataMode.ZK) {
            registry.register(new AlterPartitionHandler(controller));
        }
        return registry;
    }

}
