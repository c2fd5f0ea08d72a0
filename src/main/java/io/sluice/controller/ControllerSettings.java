package io.sluice.controller;

/**
 * What the controller needs from the broker configuration, so it does not depend on the config
 * class itself.
 *
 * @param nodeId this node's id (broker-level config changes may name it)
 * @param numPartitions {@code num.partitions}: partitions of a topic created with -1
 * @param defaultReplicationFactor {@code default.replication.factor}: replicas when created with -1
 * @param deleteTopicEnable {@code delete.topic.enable}
 * @param brokerSessionTimeoutMs {@code broker.session.timeout.ms}: a broker without a heartbeat this long is fenced
 * @param leaderImbalancePerBrokerPercentage {@code leader.imbalance.per.broker.percentage}: the share of a
 *        broker's preferred partitions led elsewhere above which the auto rebalance moves them back
 * @param uncleanLeaderElectionEnable {@code unclean.leader.election.enable}, where neither the topic nor the
 *        cluster-wide dynamic config overrides it
 */
public record ControllerSettings(int nodeId, int numPartitions, short defaultReplicationFactor,
                                 boolean deleteTopicEnable, long brokerSessionTimeoutMs,
                                 int leaderImbalancePerBrokerPercentage, boolean uncleanLeaderElectionEnable) {}
