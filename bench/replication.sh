#!/usr/bin/env bash
# Broker failover and acks=all RF=3 throughput on 3 controllers + 3 brokers (separate processes):
# Sluice, then Apache Kafka 4.3.1 the same way (src/test/java/io/sluice/bench/ReplicationBench.java).
#   failover: the leader of a RF=3 partition SIGKILLed -> a record sent right after is acknowledged
#             (acks=all) by the new leader; broker.session.timeout.ms=2000, broker.heartbeat.interval.ms=300.
#   throughput: Kafka's ProducerPerformance, acks=all, 3 partitions RF=3 min.insync.replicas=2.
#   Usage: bench/replication.sh [sluice|kafka|both] [failovers=5] [records=300000] [record.size=100] [kafka.setting=value ...]
#   Env:   KAFKA_HOME, SLUICE_JAR as for bench/cluster-bench.sh; WORK (default /tmp/sluice-repl-bench)
# Prints RESULT lines, and for "both" the Sluice/Kafka ratios. Not part of CI.
exec "$(dirname "$0")/cluster-bench.sh" io.sluice.bench.ReplicationBench "${WORK:-/tmp/sluice-repl-bench}" "$@"
