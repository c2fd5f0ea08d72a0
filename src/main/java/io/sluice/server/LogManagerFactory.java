package io.sluice.server;

import io.sluice.log.LogManager;
import io.sluice.server.config.BrokerConfig;
import java.nio.file.Path;
import java.time.Clock;

/** Creates the log manager from the broker's log settings. */
final class LogManagerFactory {
    private LogManagerFactory() {}

    static LogManager create(BrokerConfig config) {
        return new LogManager(config.logDirs().stream().map(Path::of).toList(), Clock.systemUTC(),
                config.getLong("log.retention.check.interval.ms"), config.getLong("log.flush.scheduler.interval.ms"));
    }
}
