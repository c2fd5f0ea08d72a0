package io.sluice.testing;

import io.sluice.metadata.kraft.RaftBackend;
import io.sluice.metadata.kraft.RaftBackendSettings;
import io.sluice.raft.TcpRaftTransport.Address;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The kraft backend of a single node: a Raft quorum of one, as a single-node broker runs it. */
public final class SingleNodeQuorum {
    private SingleNodeQuorum() {}

    /** An unstarted backend for {@code dir} (formatted or not), refusing storage of another cluster if one is named. */
    public static RaftBackend backend(Path dir, int nodeId, Optional<String> expectedClusterId, Vertx vertx) {
        Map<Integer, Address> voters = Map.of(nodeId, new Address("127.0.0.1", BrokerProcess.freePort()));
        RaftBackendSettings settings = new RaftBackendSettings(dir,
                RaftBackendSettings.raftConfig(nodeId, voters, 500, 500, 0, 20_000), voters,
                Optional.of(voters.get(nodeId)), expectedClusterId, 10, Duration.ofSeconds(30));
        return new RaftBackend(settings, vertx);
    }
}
