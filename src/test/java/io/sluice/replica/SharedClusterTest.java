package io.sluice.replica;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link ThreeNodeCluster} with default settings and an admin client for all the tests of a class,
 * each test on its own topics: starting three nodes per test would dominate the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedClusterTest {
    @TempDir
    static Path dir;
    ThreeNodeCluster cluster;
    Admin admin;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new ThreeNodeCluster(dir, Map.of()).start();
        admin = cluster.admin();
    }

    @AfterAll
    void stopCluster() {
        admin.close();
        cluster.close();
    }
}
