#!/usr/bin/env bash
# Metadata propagation and controller failover on 3 controllers + 3 brokers (separate processes,
# the "Multiple nodes" layout of Kafka's image docs): Sluice, then Apache Kafka 4.3.1 the same way.
#   Usage: bench/metadata-propagation.sh [sluice|kafka|both] [extra args for MetadataPropagationBench]
#   e.g.   bench/metadata-propagation.sh both topics=50 failovers=3
#          bench/metadata-propagation.sh both controller.quorum.election.timeout.ms=500 controller.quorum.fetch.timeout.ms=500
#   Env:   KAFKA_HOME (default /opt/kafka-4.3.1), SLUICE_JAR (run the packaged app,
#          target/quarkus-app/quarkus-run.jar, instead of the test-classpath node main), WORK (default /tmp/sluice-mdprop)
# Prints RESULT lines (see src/test/java/io/sluice/bench/MetadataPropagationBench.java), and for
# "both" the Sluice/Kafka ratios (bench/cluster-bench.sh). Not part of CI.
exec "$(dirname "$0")/cluster-bench.sh" io.sluice.bench.MetadataPropagationBench "${WORK:-/tmp/sluice-mdprop}" "$@"
