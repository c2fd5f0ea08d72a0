package io.sluice.server.config;

/** Where cluster metadata lives, decided by process.roles, zookeeper.connect and the migration flag. */
public enum MetadataMode {
    /** process.roles set: the internal Raft quorum. */
    KRAFT,
    /** zookeeper.connect set without process.roles: an external ZooKeeper ensemble. */
    ZK,
    /** zookeeper.metadata.migration.enable=true with zookeeper.connect: copying ZooKeeper into kraft. */
    MIGRATION
}
