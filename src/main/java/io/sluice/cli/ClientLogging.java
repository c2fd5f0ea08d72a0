package io.sluice.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps kafka-clients' INFO/WARN chatter (config dumps, "could not connect" retries) off the
 * terminal: the command reports failures itself as {@code Error: ...}.
 */
final class ClientLogging {
    // Held strongly: java.util.logging forgets levels of loggers that are garbage collected.
    private static final Logger KAFKA = Logger.getLogger("org.apache.kafka");

    private ClientLogging() {}

    static void quiet() {
        KAFKA.setLevel(Boolean.getBoolean("sluice.debug") ? Level.INFO : Level.SEVERE);
    }
}
