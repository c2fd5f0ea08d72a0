package io.sluice.server;

import io.sluice.log.CleanerSettings;
import io.sluice.log.LogManager;
import io.sluice.log.ProducerIdExpiry;
import io.sluice.server.config.BrokerConfig;
import java.nio.file.Path;
import java.time.Clock;

/** Creates the log manager from the broker's log settings. */
final class LogManagerFactory {
    private LogManagerFactory() {}

    static LogManager create(BrokerConfig config) {
        return new LogManager(config.logDirs().stream().map(Path::of).toList(), Clock.systemUTC(),
                config.getLong("log.retention.check.interval.ms"), config.getLong("log.flush.scheduler.interval.ms"),
                cleanerSettings(config), new ProducerIdExpiry(config.getInt("producer.id.expiration.ms"),
                        config.getInt("producer.id.expiration.check.interval.ms")));
    }

    /** log.cleaner.*; zero threads disables the cleaner, as in Kafka. */
    static CleanerSettings cleanerSettings(BrokerConfig config) {
        int threads = config.getInt("log.cleaner.threads");
        return new CleanerSettings(config.getBoolean("log.cleaner.enable") && threads > 0, Math.max(1, threads),
                config.getLong("log.cleaner.backoff.ms"), config.getLong("log.cleaner.dedupe.buffer.size"),
                Math.max(1, config.getInt("log.cleaner.io.buffer.size")));
    }
}
