package io.sluice.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Print the quorum's leader, epoch, high watermark, voters and observers (like kafka-metadata-quorum describe --status).")
public class QuorumDescribeCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ClientOptions client;

    public QuorumDescribeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        try (Admin admin = client.admin()) {
            QuorumInfo quorum;
            try {
                quorum = admin.describeMetadataQuorum().quorumInfo().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnsupportedVersionException) {
                    throw new CliException("the broker does not support DescribeQuorum yet");
                }
                throw e;
            }
            String clusterId = admin.describeCluster().clusterId().get();
            long maxLag = quorum.voters().stream().mapToLong(v -> quorum.highWatermark() - v.logEndOffset()).max().orElse(0);
            print("ClusterId:", clusterId);
            print("LeaderId:", quorum.leaderId());
            print("LeaderEpoch:", quorum.leaderEpoch());
            print("HighWatermark:", quorum.highWatermark());
            print("MaxFollowerLag:", Math.max(0, maxLag));
            print("CurrentVoters:", ids(quorum.voters()));
            print("CurrentObservers:", ids(quorum.observers()));
        }
        return 0;
    }

    private void print(String label, Object value) {
        io.out().println(String.format("%-24s%s", label, value));
    }

    private static String ids(List<QuorumInfo.ReplicaState> replicas) {
        return replicas.stream().map(r -> Integer.toString(r.replicaId())).collect(Collectors.joining(",", "[", "]"));
    }
}
