package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.TestBroker;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener mapped to SSL or SASL refuses to start rather than serve clear text under that name. */
class ListenerSecurityTest {
    @TempDir
    Path data;

    @Test
    void anSslListenerStopsStartupNamingTheListener() {
        try (TestBroker broker = new TestBroker(data, Map.of(
                "listeners", "SSL://127.0.0.1:0,CONTROLLER://127.0.0.1:0",
                "advertised.listeners", "SSL://127.0.0.1:0",
                "listener.security.protocol.map", "SSL:SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name", "SSL"))) {
            ConfigException e = assertThrows(ConfigException.class, broker::start);
            assertTrue(e.getMessage().contains("listener SSL uses SSL"), e.getMessage());
        }
    }
}
