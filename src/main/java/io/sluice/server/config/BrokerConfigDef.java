package io.sluice.server.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Type.BOOLEAN;
import static org.apache.kafka.common.config.ConfigDef.Type.DOUBLE;
import static org.apache.kafka.common.config.ConfigDef.Type.INT;
import static org.apache.kafka.common.config.ConfigDef.Type.LIST;
import static org.apache.kafka.common.config.ConfigDef.Type.LONG;
import static org.apache.kafka.common.config.ConfigDef.Type.PASSWORD;
import static org.apache.kafka.common.config.ConfigDef.Type.SHORT;
import static org.apache.kafka.common.config.ConfigDef.Type.STRING;

import io.sluice.replica.ReplicaSelector;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The broker settings Sluice understands, declared under Kafka's names with the types, defaults
 * and valid ranges that Kafka's documentation gives, so that a Kafka {@code server.properties}
 * means the same thing here. Written from the documentation, not from Kafka's broker source.
 */
public final class BrokerConfigDef {
    /** Compression codecs a topic or broker may force; "producer" keeps the producer's choice. */
    static final String[] COMPRESSION_TYPES = {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"};
    static final String[] TIMESTAMP_TYPES = {"CreateTime", "LogAppendTime"};

    private static final ConfigDef DEF = build();

    private BrokerConfigDef() {}

    public static ConfigDef configDef() {
        return DEF;
    }

    private static ConfigDef build() {
        ConfigDef d = new ConfigDef();
        // identity and roles
        d.define("node.id", INT, -1, HIGH, "The node id for this process in kraft mode; -1 means unset.");
        d.define("broker.id", INT, -1, HIGH, "The broker id; in kraft mode it follows node.id. -1 means unset.");
        d.define("process.roles", LIST, "", ValidList.in(true, "broker", "controller"), HIGH,
                "The roles this process plays: broker, controller or both. Setting it selects kraft mode.");
        d.define("cluster.id", STRING, null, HIGH,
                "The cluster id used when formatting storage (KAFKA_CLUSTER_ID in the container image).");
        d.define("broker.rack", STRING, null, MEDIUM, "Rack of the broker, used for rack-aware replica placement.");
        d.define(ReplicaSelector.CONFIG, STRING, null,
                ConfigDef.LambdaValidator.with((name, value) -> ReplicaSelector.forConfig((String) value),
                        ReplicaSelector::validValues), LOW,
                "Which replica a consumer with a client.rack reads from (KIP-392); unset reads from the leader.");

        // listeners
        d.define("listeners", STRING, "PLAINTEXT://:9092", HIGH,
                "Comma-separated NAME://host:port URIs to listen on; an empty host binds all interfaces.");
        d.define("advertised.listeners", STRING, null, HIGH,
                "Listeners published to clients; when unset the non-controller listeners are used.");
        d.define("listener.security.protocol.map", STRING,
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", LOW,
                "Map from listener name to security protocol, as NAME:PROTOCOL pairs.");
        d.define("inter.broker.listener.name", STRING, null, MEDIUM,
                "Listener used between brokers; cannot be set together with security.inter.broker.protocol.");
        d.define("security.inter.broker.protocol", STRING, "PLAINTEXT",
                ValidString.in("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"), MEDIUM,
                "Security protocol used between brokers when inter.broker.listener.name is unset.");
        d.define("controller.listener.names", STRING, null, HIGH,
                "Comma-separated names of the listeners used by the controller; required in kraft mode.");

        // kraft quorum
        d.define("controller.quorum.voters", LIST, "", HIGH,
                "Static voter set as id@host:port entries.");
        d.define("controller.quorum.bootstrap.servers", LIST, "", HIGH,
                "host:port entries used to discover the quorum when the voter set is dynamic.");
        d.define("controller.quorum.election.timeout.ms", INT, 1000, HIGH,
                "Maximum time without a fetch from the leader before a new election starts.");
        d.define("controller.quorum.fetch.timeout.ms", INT, 2000, HIGH,
                "Maximum time without a successful fetch before a voter becomes a candidate.");
        d.define("controller.quorum.append.linger.ms", INT, 25, MEDIUM,
                "Time the leader waits for writes to accumulate before flushing to disk.");
        d.define("broker.session.timeout.ms", INT, 9000, MEDIUM,
                "How long a broker lease lasts without heartbeats.");
        d.define("broker.heartbeat.interval.ms", INT, 2000, MEDIUM,
                "Interval between broker heartbeats to the controller.");

        // zookeeper
        d.define("zookeeper.connect", STRING, null, HIGH,
                "host:port[,host:port...][/chroot] of the ZooKeeper ensemble; setting it without process.roles selects zk mode.");
        d.define("zookeeper.session.timeout.ms", INT, 18000, HIGH, "ZooKeeper session timeout.");
        d.define("zookeeper.connection.timeout.ms", INT, null, HIGH,
                "Maximum wait to establish a ZooKeeper connection; unset means zookeeper.session.timeout.ms.");
        d.define("zookeeper.set.acl", BOOLEAN, false, HIGH, "Whether to create znodes with secure ACLs.");
        d.define("controller.socket.timeout.ms", INT, 30000, MEDIUM,
                "Socket timeout of requests between a zk-mode broker and the controller broker.");
        d.define("zookeeper.metadata.migration.enable", BOOLEAN, false, HIGH,
                "Enables migration of metadata from ZooKeeper to kraft.");

        // log storage
        d.define("log.dir", STRING, "/tmp/kafka-logs", HIGH, "Directory for log data, used when log.dirs is unset.");
        d.define("log.dirs", STRING, null, HIGH, "Comma-separated directories for log data; overrides log.dir.");
        d.define("metadata.log.dir", STRING, null, HIGH,
                "Directory of the kraft metadata log; unset means the first log directory.");
        d.define("num.partitions", INT, 1, Range.atLeast(1), MEDIUM, "Default partition count for new topics.");
        d.define("default.replication.factor", INT, 1, MEDIUM, "Default replication factor for new topics.");
        d.define("min.insync.replicas", INT, 1, Range.atLeast(1), HIGH,
                "Minimum in-sync replicas for an acks=all write to succeed.");
        d.define("auto.create.topics.enable", BOOLEAN, true, HIGH, "Create topics on first metadata request for them.");
        d.define("delete.topic.enable", BOOLEAN, true, HIGH, "Allow topics to be deleted.");
        d.define("message.max.bytes", INT, 1048588, Range.atLeast(0), HIGH,
                "Largest record batch size allowed, after compression.");
        d.define("log.segment.bytes", INT, 1073741824, Range.atLeast(1024 * 1024), HIGH, "Maximum size of one log segment.");
        d.define("log.roll.ms", LONG, null, HIGH, "Time after which a segment rolls; overrides log.roll.hours.");
        d.define("log.roll.hours", INT, 168, Range.atLeast(1), HIGH, "Time in hours after which a segment rolls.");
        d.define("log.roll.jitter.ms", LONG, null, HIGH, "Maximum jitter subtracted from the roll time; overrides log.roll.jitter.hours.");
        d.define("log.roll.jitter.hours", INT, 0, Range.atLeast(0), HIGH, "Maximum jitter in hours subtracted from the roll time.");
        d.define("log.retention.ms", LONG, null, HIGH, "Retention time in ms; -1 keeps data forever. Wins over minutes and hours.");
        d.define("log.retention.minutes", INT, null, HIGH, "Retention time in minutes; wins over log.retention.hours.");
        d.define("log.retention.hours", INT, 168, HIGH, "Retention time in hours.");
        d.define("log.retention.bytes", LONG, -1L, HIGH, "Maximum partition size before old segments are deleted; -1 is unlimited.");
        d.define("log.retention.check.interval.ms", LONG, 300000L, Range.atLeast(1), MEDIUM,
                "How often segments are checked for deletion.");
        d.define("log.flush.interval.messages", LONG, Long.MAX_VALUE, Range.atLeast(1), HIGH,
                "Messages accumulated on a partition before an fsync.");
        d.define("log.flush.interval.ms", LONG, null, HIGH,
                "Maximum time a message waits before an fsync; unset means log.flush.scheduler.interval.ms.");
        d.define("log.flush.scheduler.interval.ms", LONG, Long.MAX_VALUE, HIGH,
                "How often the flusher checks whether a log needs an fsync.");
        d.define("log.index.interval.bytes", INT, 4096, Range.atLeast(0), MEDIUM, "Bytes between offset index entries.");
        d.define("log.index.size.max.bytes", INT, 10485760, Range.atLeast(4), MEDIUM, "Maximum size of an offset index file.");
        d.define("log.segment.delete.delay.ms", LONG, 60000L, Range.atLeast(0), HIGH,
                "Delay before a deleted segment's files are removed.");
        d.define("log.preallocate", BOOLEAN, false, MEDIUM, "Preallocate segment files.");
        d.define("log.cleanup.policy", LIST, "delete", ValidList.in("compact", "delete"), MEDIUM,
                "Default cleanup policy: delete, compact or both.");
        d.define("log.cleaner.enable", BOOLEAN, true, MEDIUM, "Run the log cleaner for compacted topics.");
        d.define("log.cleaner.threads", INT, 1, Range.atLeast(0), MEDIUM, "Background threads compacting logs.");
        d.define("log.cleaner.backoff.ms", LONG, 15000L, Range.atLeast(0), MEDIUM,
                "How long the cleaner sleeps when no log needs cleaning.");
        d.define("log.cleaner.dedupe.buffer.size", LONG, 134217728L, MEDIUM,
                "Memory for the cleaners' key maps, shared by all cleaner threads.");
        d.define("log.cleaner.io.buffer.size", INT, 524288, Range.atLeast(0), MEDIUM,
                "Bytes of a segment the cleaner reads at once.");
        d.define("log.cleaner.delete.retention.ms", LONG, 86400000L, Range.atLeast(0), MEDIUM,
                "How long tombstones are kept on compacted topics.");
        d.define("log.cleaner.min.compaction.lag.ms", LONG, 0L, Range.atLeast(0), MEDIUM,
                "Minimum age of a message before it may be compacted.");
        d.define("log.cleaner.max.compaction.lag.ms", LONG, Long.MAX_VALUE, Range.atLeast(1), MEDIUM,
                "Maximum time a message stays uncompacted.");
        d.define("log.cleaner.min.cleanable.ratio", DOUBLE, 0.5, Range.between(0, 1), MEDIUM,
                "Minimum dirty ratio of a log before it is cleaned.");
        d.define("log.message.timestamp.type", STRING, "CreateTime", ValidString.in(TIMESTAMP_TYPES), MEDIUM,
                "Whether record timestamps are producer create time or broker append time.");
        d.define("log.message.timestamp.before.max.ms", LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM,
                "How far in the past a CreateTime timestamp may be.");
        d.define("log.message.timestamp.after.max.ms", LONG, 3600000L, Range.atLeast(0), MEDIUM,
                "How far in the future a CreateTime timestamp may be.");
        d.define("log.local.retention.ms", LONG, -2L, Range.atLeast(-2), MEDIUM,
                "Local retention for tiered topics; -2 means log.retention.ms.");
        d.define("log.local.retention.bytes", LONG, -2L, Range.atLeast(-2), MEDIUM,
                "Local size retention for tiered topics; -2 means log.retention.bytes.");
        d.define("compression.type", STRING, "producer", ValidString.in(COMPRESSION_TYPES), HIGH,
                "Compression forced on stored batches; producer keeps the producer's codec.");
        d.define("compression.gzip.level", INT, -1, gzipLevel(), MEDIUM, "gzip level when compression.type=gzip.");
        d.define("compression.lz4.level", INT, 9, Range.between(1, 17), MEDIUM, "lz4 level when compression.type=lz4.");
        d.define("compression.zstd.level", INT, 3, Range.between(-131072, 22), MEDIUM, "zstd level when compression.type=zstd.");

        // network and request handling
        d.define("socket.request.max.bytes", INT, 104857600, Range.atLeast(1), HIGH, "Largest request accepted.");
        d.define("socket.send.buffer.bytes", INT, 102400, HIGH, "SO_SNDBUF of server sockets; -1 uses the OS default.");
        d.define("socket.receive.buffer.bytes", INT, 102400, HIGH, "SO_RCVBUF of server sockets; -1 uses the OS default.");
        d.define("queued.max.requests", INT, 500, Range.atLeast(1), HIGH, "Requests queued before the network stops reading.");
        d.define("queued.max.request.bytes", LONG, -1L, MEDIUM, "Bytes of queued requests before reading stops; -1 is unlimited.");
        d.define("connections.max.idle.ms", LONG, 600000L, MEDIUM, "Idle connections are closed after this time.");
        d.define("num.network.threads", INT, 3, Range.atLeast(1), HIGH, "Threads handling network I/O.");
        d.define("num.io.threads", INT, 8, Range.atLeast(1), HIGH, "Threads processing requests.");
        d.define("fetch.max.bytes", INT, 57671680, Range.atLeast(1024), MEDIUM, "Maximum bytes returned for a fetch request.");

        // replication
        d.define("replica.fetch.max.bytes", INT, 1048576, Range.atLeast(0), MEDIUM, "Bytes fetched per partition by followers.");
        d.define("replica.lag.time.max.ms", LONG, 30000L, HIGH, "A follower that has not caught up within this time leaves the ISR.");
        d.define("num.replica.fetchers", INT, 1, HIGH, "Fetcher threads per source broker.");
        d.define("replica.fetch.wait.max.ms", INT, 500, Range.atLeast(0), MEDIUM,
                "Longest time a follower's fetch waits at the leader for data.");
        d.define("replica.fetch.min.bytes", INT, 1, Range.atLeast(0), MEDIUM,
                "Bytes a follower's fetch waits for at the leader before it is answered.");
        d.define("replica.fetch.backoff.ms", INT, 1000, Range.atLeast(0), MEDIUM,
                "Pause before a follower retries a partition whose fetch failed.");
        d.define("replica.fetch.response.max.bytes", INT, 10485760, Range.atLeast(0), MEDIUM,
                "Bytes a follower asks for in one whole fetch response.");
        d.define("replica.high.watermark.checkpoint.interval.ms", LONG, 5000L, Range.atLeast(1), HIGH,
                "How often the high watermarks are saved to replication-offset-checkpoint.");
        d.define("request.timeout.ms", INT, 30000, Range.atLeast(0), MEDIUM,
                "How long the broker waits for another broker's answer to a request of its own (transaction markers).");
        d.define("replica.socket.timeout.ms", INT, 30000, MEDIUM,
                "Socket timeout of follower fetches, on top of replica.fetch.wait.max.ms.");
        d.define("leader.replication.throttled.rate", LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM,
                "Bytes/s this broker serves as leader to the followers of throttled replicas "
                        + "(a topic's leader.replication.throttled.replicas); only set at runtime by reassignments.");
        d.define("follower.replication.throttled.rate", LONG, Long.MAX_VALUE, Range.atLeast(0), MEDIUM,
                "Bytes/s this broker fetches as follower for throttled replicas "
                        + "(a topic's follower.replication.throttled.replicas); only set at runtime by reassignments.");
        d.define("unclean.leader.election.enable", BOOLEAN, false, HIGH, "Allow out-of-sync replicas to become leader.");
        d.define("auto.leader.rebalance.enable", BOOLEAN, true, HIGH, "Move leadership back to preferred replicas.");
        d.define("leader.imbalance.check.interval.seconds", LONG, 300L, Range.atLeast(1), HIGH,
                "How often the controller checks leader balance.");
        d.define("leader.imbalance.per.broker.percentage", INT, 10, Range.between(0, 100), HIGH,
                "The share of a broker's preferred partitions led by others above which the rebalance moves them back.");
        d.define("controlled.shutdown.enable", BOOLEAN, true, MEDIUM,
                "Move the broker's leadership away through the controller before it shuts down.");

        // group and transaction coordinators
        d.define("offsets.topic.num.partitions", INT, 50, Range.atLeast(1), HIGH, "Partitions of __consumer_offsets.");
        d.define("offsets.topic.replication.factor", SHORT, (short) 3, Range.atLeast(1), HIGH,
                "Replication factor of __consumer_offsets.");
        d.define("offsets.retention.minutes", INT, 10080, Range.atLeast(1), HIGH,
                "Committed offsets of an empty group are kept this long.");
        d.define("offsets.retention.check.interval.ms", LONG, 600_000L, Range.atLeast(1), HIGH,
                "How often expired committed offsets are looked for.");
        d.define("offset.metadata.max.bytes", INT, 4096, Range.atLeast(0), HIGH,
                "Largest metadata string an offset commit may carry.");
        d.define("offsets.commit.timeout.ms", INT, 5000, Range.atLeast(1), HIGH,
                "How long a group coordinator's answer waits for its records to reach the offsets topic's in-sync "
                        + "replicas before it says COORDINATOR_NOT_AVAILABLE.");
        d.define("group.initial.rebalance.delay.ms", INT, 3000, MEDIUM,
                "Delay before the first rebalance of a new classic group.");
        d.define("group.max.size", INT, Integer.MAX_VALUE, Range.atLeast(1), MEDIUM, "Maximum members of a classic group.");
        d.define("group.min.session.timeout.ms", INT, 6000, MEDIUM, "Smallest session timeout a member may ask for.");
        d.define("group.max.session.timeout.ms", INT, 1800000, MEDIUM, "Largest session timeout a member may ask for.");
        d.define("group.consumer.session.timeout.ms", INT, 45000, Range.atLeast(1), MEDIUM,
                "Session timeout of consumer (KIP-848) group members: without a heartbeat for this long, a member is removed.");
        d.define("group.consumer.heartbeat.interval.ms", INT, 5000, Range.atLeast(1), MEDIUM,
                "How often consumer (KIP-848) group members are told to heartbeat.");
        d.define("group.consumer.max.size", INT, Integer.MAX_VALUE, Range.atLeast(1), MEDIUM,
                "Maximum members of a consumer (KIP-848) group.");
        d.define("group.consumer.assignors", LIST, "uniform,range", ValidList.in("uniform", "range"), MEDIUM,
                "Server-side assignors of consumer (KIP-848) groups; the first is used when a member names none.");
        d.define("group.coordinator.rebalance.protocols", LIST, "classic,consumer",
                ValidList.in("classic", "consumer", "share", "streams"), MEDIUM,
                "Rebalance protocols the group coordinator accepts.");
        d.define("transaction.state.log.replication.factor", SHORT, (short) 3, Range.atLeast(1), HIGH,
                "Replication factor of __transaction_state.");
        d.define("transaction.state.log.min.isr", INT, 2, Range.atLeast(1), HIGH,
                "min.insync.replicas of __transaction_state.");
        d.define("transaction.state.log.num.partitions", INT, 50, Range.atLeast(1), HIGH, "Partitions of __transaction_state.");
        d.define("transaction.state.log.segment.bytes", INT, 104857600, Range.atLeast(1), HIGH,
                "segment.bytes of __transaction_state (kept small for fast loading).");
        d.define("transaction.max.timeout.ms", INT, 900000, Range.atLeast(1), HIGH,
                "Largest transaction.timeout.ms a producer may ask for; InitProducerId refuses more.");
        d.define("transaction.abort.timed.out.transaction.cleanup.interval.ms", INT, 10000, Range.atLeast(1), LOW,
                "How often transactions past their timeout are looked for and aborted.");
        d.define("transactional.id.expiration.ms", INT, 604800000, Range.atLeast(1), HIGH,
                "A transactional id without an ongoing transaction and not updated for this long is removed.");
        d.define("transaction.remove.expired.transaction.cleanup.interval.ms", INT, 3600000, Range.atLeast(1), LOW,
                "How often expired transactional ids are looked for and removed.");
        d.define("producer.id.expiration.ms", INT, 86400000, Range.atLeast(1), LOW,
                "A partition forgets a producer id without an open transaction whose last write is older than this.");
        d.define("producer.id.expiration.check.interval.ms", INT, 600000, Range.atLeast(1), LOW,
                "How often partitions look for expired producer ids.");

        // TLS secrets: declared so that they are typed PASSWORD and never echoed back by DescribeConfigs
        d.define("ssl.keystore.location", STRING, null, HIGH, "Path of the key store.");
        d.define("ssl.keystore.password", PASSWORD, null, HIGH, "Password of the key store.");
        d.define("ssl.key.password", PASSWORD, null, HIGH, "Password of the private key in the key store.");
        d.define("ssl.truststore.location", STRING, null, HIGH, "Path of the trust store.");
        d.define("ssl.truststore.password", PASSWORD, null, HIGH, "Password of the trust store.");
        return d;
    }

    /** gzip accepts 1..9, plus -1 for the library's default level. */
    static ConfigDef.Validator gzipLevel() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            int level = (Integer) value;
            if (level != -1 && (level < 1 || level > 9)) {
                throw new org.apache.kafka.common.config.ConfigException(name, value, "must be -1 or between 1 and 9");
            }
        }, () -> "[-1,1,...,9]");
    }
}
