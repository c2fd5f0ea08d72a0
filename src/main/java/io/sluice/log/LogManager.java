package io.sluice.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.jboss.logging.Logger;

/**
 * All partition logs of a broker across its log dirs, and the background work on them (retention, time-based flush,
 * delayed file deletion, and compaction by the {@link LogCleaner}, which keeps a {@code cleaner-offset-checkpoint}
 * in each log dir) on daemon threads.
 *
 * <p>Clean shutdown is recorded as Kafka does: a {@code .kafka_cleanshutdown} file in each log dir, written by
 * {@link #shutdown} after every log is closed and deleted once the logs are loaded, so a crash is detected next time.
 * Recovery points and log start offsets live in each partition directory (see {@link PartitionLog}).
 */
public final class LogManager {
    static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown";
    /** The Raft metadata log may share a log dir; it is owned by the raft package, not by this manager. */
    private static final String METADATA_TOPIC = "__cluster_metadata";
    private static final Logger LOG = Logger.getLogger(LogManager.class);

    private final List<Path> logDirs;
    private final Clock clock;
    private final long retentionCheckIntervalMs;
    private final long flushCheckIntervalMs;
    private final Map<Path, Boolean> cleanShutdown = new HashMap<>();
    private final ConcurrentHashMap<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TopicPartition, Path> logDirOf = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final LogCleaner cleaner;
    private final ProducerIdExpiry producerIdExpiry;

    /**
     * @param retentionCheckIntervalMs log.retention.check.interval.ms (Kafka: 300000)
     * @param flushCheckIntervalMs     log.flush.scheduler.interval.ms (Kafka: Long.MAX_VALUE = never); each check
     *                                 flushes the logs whose flush.ms has passed
     */
    public LogManager(List<Path> logDirs, Clock clock, long retentionCheckIntervalMs, long flushCheckIntervalMs) {
        this(logDirs, clock, retentionCheckIntervalMs, flushCheckIntervalMs, CleanerSettings.defaults());
    }

    /** As above, with the log cleaner's settings (log.cleaner.*); its threads start in {@link #startup}. */
    public LogManager(List<Path> logDirs, Clock clock, long retentionCheckIntervalMs, long flushCheckIntervalMs,
            CleanerSettings cleanerSettings) {
        this(logDirs, clock, retentionCheckIntervalMs, flushCheckIntervalMs, cleanerSettings, ProducerIdExpiry.defaults());
    }

    /** As above, with when idle producer ids expire (producer.id.expiration.*). */
    public LogManager(List<Path> logDirs, Clock clock, long retentionCheckIntervalMs, long flushCheckIntervalMs,
            CleanerSettings cleanerSettings, ProducerIdExpiry producerIdExpiry) {
        this.producerIdExpiry = producerIdExpiry;
        this.logDirs = List.copyOf(logDirs);
        this.clock = clock;
        this.retentionCheckIntervalMs = retentionCheckIntervalMs;
        this.flushCheckIntervalMs = flushCheckIntervalMs;
        for (Path dir : this.logDirs) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot create log dir " + dir, e);
            }
            cleanShutdown.put(dir, Files.exists(dir.resolve(CLEAN_SHUTDOWN_FILE)));
        }
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("sluice-log-" + t.getName());
            t.setDaemon(true);
            return t;
        });
        // On shutdown, pending delayed deletions are dropped; load removes their *.deleted files next time.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.cleaner = new LogCleaner(cleanerSettings, clock, this.logDirs, logs::values);
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    /** The compaction of this broker's compacted logs; tests drive it with {@link LogCleaner#cleanOnce}. */
    public LogCleaner cleaner() {
        return cleaner;
    }

    /** Opens every partition directory in the log dirs, then removes the clean-shutdown markers. */
    public void loadAll(Function<TopicPartition, LogConfig> configs) {
        for (Path dir : logDirs) {
            boolean clean = cleanShutdown.get(dir);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
                for (Path partitionDir : ds) {
                    Optional<TopicPartition> tp = parseDirName(partitionDir.getFileName().toString());
                    if (tp.isEmpty() || tp.get().topic().equals(METADATA_TOPIC)) continue;
                    if (!clean) LOG.infof("Recovering %s after unclean shutdown", tp.get());
                    PartitionLog log = PartitionLog.open(partitionDir, tp.get(), configs.apply(tp.get()), clean, clock, scheduler);
                    // Producers that expired while the broker was down, or whose expiry an unclean stop left out of
                    // the newest snapshot, are forgotten before anyone writes.
                    log.removeExpiredProducers(clock.millis(), producerIdExpiry.expirationMs());
                    logs.put(tp.get(), log);
                    logDirOf.put(tp.get(), dir);
                }
                Files.deleteIfExists(dir.resolve(CLEAN_SHUTDOWN_FILE));
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot load log dir " + dir, e);
            }
        }
    }

    /** Starts the periodic retention, flush and producer id expiry checks; an interval of Long.MAX_VALUE disables that check. */
    public void startup() {
        schedule(retentionCheckIntervalMs, log -> log.applyRetention(clock.millis()), "retention");
        schedule(flushCheckIntervalMs, log -> log.flushIfDue(clock.millis()), "flush");
        schedule(producerIdExpiry.checkIntervalMs(),
                log -> log.removeExpiredProducers(clock.millis(), producerIdExpiry.expirationMs()), "producer id expiry");
        cleaner.startup();
    }

    private void schedule(long intervalMs, Consumer<PartitionLog> task, String what) {
        if (intervalMs <= 0 || intervalMs == Long.MAX_VALUE) return;
        scheduler.scheduleWithFixedDelay(() -> {
            for (PartitionLog log : logs.values()) {
                // One failing log must not cancel the periodic task for all others.
                try {
                    task.accept(log);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Periodic %s of %s failed", what, log.topicPartition());
                }
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** {@code <topic>-<partition>}: the topic may itself contain '-', so split at the last one. */
    static Optional<TopicPartition> parseDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) return Optional.empty();
        String partition = name.substring(dash + 1);
        if (!partition.chars().allMatch(Character::isDigit) || partition.length() > 9) return Optional.empty();
        return Optional.of(new TopicPartition(name.substring(0, dash), Integer.parseInt(partition)));
    }

    public PartitionLog getOrCreate(TopicPartition tp, LogConfig config) {
        return logs.computeIfAbsent(tp, key -> {
            Path dir = leastLoadedDir();
            logDirOf.put(key, dir);
            // A directory left from before loadAll is trusted only if its log dir was shut down cleanly.
            return PartitionLog.open(dir.resolve(key.topic() + "-" + key.partition()), key, config, cleanShutdown.get(dir), clock, scheduler);
        });
    }

    /** The log dir holding the fewest partitions, as Kafka places new partitions. */
    private Path leastLoadedDir() {
        Map<Path, Long> counts = new HashMap<>();
        for (Path dir : logDirs) counts.put(dir, 0L);
        for (Path dir : logDirOf.values()) counts.merge(dir, 1L, Long::sum);
        return logDirs.stream().min(Comparator.comparing(counts::get)).orElseThrow();
    }

    public Optional<PartitionLog> get(TopicPartition tp) {
        return Optional.ofNullable(logs.get(tp));
    }

    public Collection<PartitionLog> logs() {
        return logs.values();
    }

    /** Closes the partition's log and removes its directory. */
    public void delete(TopicPartition tp) {
        cleaner.abortAndPause(tp); // the cleaner must not write into a directory being removed
        try {
            PartitionLog log = logs.remove(tp);
            Path dir = logDirOf.remove(tp);
            if (log != null) log.delete();
            if (dir != null) cleaner.forget(tp, dir);
        } finally {
            cleaner.resume(tp);
        }
    }

    /** Stops background work, closes every log cleanly, then writes the clean-shutdown marker in each log dir. */
    public void shutdown() {
        cleaner.shutdown(); // first: a swap must not race the closing of the logs
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) LOG.warn("Log background tasks did not stop in 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean allClosed = true;
        for (PartitionLog log : logs.values()) {
            try {
                log.close();
            } catch (KafkaStorageException e) {
                allClosed = false;
                LOG.errorf(e, "Closing %s failed", log.topicPartition());
            }
        }
        if (!allClosed) return; // no marker: the next start recovers
        for (Path dir : logDirs) {
            try (FileChannel ch = FileChannel.open(dir.resolve(CLEAN_SHUTDOWN_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.force(true);
            } catch (IOException e) {
                LOG.errorf(e, "Cannot write clean shutdown marker in %s", dir);
            }
        }
    }
}
