package io.sluice.cli;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/**
 * Loads and initializes, on a second thread, the kafka-clients classes that every broker start needs
 * while the main thread boots Quarkus (issue 7, "Fast start"). {@link ApiKeys}' initialization loads
 * the request and response class of every API (about 500 classes) and {@link Errors}' every exception
 * class: done in line, that is a few hundred milliseconds of the start on a cold JVM; here it overlaps
 * the framework's boot on another core. Nothing is cached or changed: the same classes would be
 * initialized by the first use anyway, and a failure here is only logged (that use would hit it again).
 */
final class StartupWarmup {
    // Initialized on the main thread before the warm-up thread starts, and so is logging with it: left to
    // the two threads (kafka-clients' classes log through it too), the JDK's LogManager and JBoss
    // LogManager's LogContext initialize in opposite orders and deadlock (seen in a profiled start).
    private static final Logger LOG = Logger.getLogger(StartupWarmup.class);

    private StartupWarmup() {}

    static void start() {
        Thread warmup = new Thread(StartupWarmup::initialize, "sluice-startup-warmup");
        warmup.setDaemon(true);
        warmup.start();
    }

    private static void initialize() {
        try {
            for (ApiKeys api : ApiKeys.values()) {
                api.latestVersion();
            }
            Errors.forCode(Errors.NONE.code());
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "Start-up warm-up failed");
        }
    }
}
