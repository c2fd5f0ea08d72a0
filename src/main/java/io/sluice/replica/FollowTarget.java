package io.sluice.replica;

/** A partition this broker follows, the leader it fetches from, and the leader epoch it knows. */
record FollowTarget(Partition partition, int leader, int leaderEpoch) {
}
