package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.testing.TestBroker;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** connections.max.idle.ms: a connection that stays silent is closed by the broker. */
class IdleConnectionTest {
    @TempDir
    Path data;

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (TestBroker broker = new TestBroker(data, Map.of("connections.max.idle.ms", "300")).start();
             Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(20_000);
            assertEquals(-1, socket.getInputStream().read(), "the broker closes the idle connection");
        }
    }
}
