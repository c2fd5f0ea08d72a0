package io.sluice.log;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.jboss.logging.Logger;

/**
 * Compaction of logs whose cleanup.policy includes {@code compact}: picks the log most in need of cleaning, has a
 * {@link SegmentCleaner} rewrite it, and records how far it is clean in the log dir's {@link CleanerCheckpoint}.
 *
 * <p>A log needs cleaning when its cleanable range [first dirty offset, first uncleanable offset) is not empty and
 * either its dirty ratio (dirty bytes / bytes from the log start to the first uncleanable offset) reaches
 * min.cleanable.dirty.ratio, or its oldest dirty record is older than max.compaction.lag.ms, or a tombstone it kept
 * has reached its delete horizon. The first uncleanable offset is the base of the active segment, or of the first
 * segment holding a record younger than min.compaction.lag.ms, or of the first segment reaching past
 * {@link PartitionLog#setCleanerUpperBound} (the high watermark), if that comes earlier: the active segment is never
 * cleaned, and a segment with recent or uncommitted records is left whole.
 *
 * <p>Threads: {@code log.cleaner.threads} daemon threads, each cleaning one log at a time (a log is never cleaned by
 * two at once), sleeping log.cleaner.backoff.ms when nothing needs cleaning. Threads are never interrupted, since an
 * interrupt closes the FileChannel being read, which is a live segment's. Tests call {@link #cleanOnce} instead.
 */
public final class LogCleaner {
    private static final Logger LOG = Logger.getLogger(LogCleaner.class);

    /** The cleaning state of one log at a moment. */
    record Cleanable(PartitionLog log, long firstDirty, long firstUncleanable, long cleanBytes, long dirtyBytes,
            boolean forced) {
        double dirtyRatio() {
            long total = cleanBytes + dirtyBytes;
            return total == 0 ? 0 : (double) dirtyBytes / total;
        }

        boolean needsCleaning() {
            return firstUncleanable > log.segmentMap().firstKey()
                    && ((dirtyBytes > 0 && dirtyRatio() >= log.config().minCleanableDirtyRatio()) || forced);
        }
    }

    private final CleanerSettings settings;
    private final Clock clock;
    private final Supplier<Collection<PartitionLog>> logs;
    private final Map<Path, CleanerCheckpoint> checkpoints = new ConcurrentHashMap<>();
    private final Set<TopicPartition> inProgress = ConcurrentHashMap.newKeySet();
    /** Logs being deleted: a cleaning of one gives up at its next group and none starts. */
    private final Set<TopicPartition> aborted = ConcurrentHashMap.newKeySet();
    /** Earliest delete horizon of the tombstones each log kept at its last cleaning (memory only: a restart forgets). */
    private final Map<TopicPartition, Long> tombstoneHorizons = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Object wakeup = new Object();
    private volatile boolean stopping;
    volatile PartitionLog.SwapStepListener swapListener = step -> {};

    public LogCleaner(CleanerSettings settings, Clock clock, Collection<Path> logDirs, Supplier<Collection<PartitionLog>> logs) {
        this.settings = settings;
        this.clock = clock;
        this.logs = logs;
        for (Path dir : logDirs) checkpoints.put(key(dir), loadCheckpoint(dir));
    }

    private static CleanerCheckpoint loadCheckpoint(Path dir) {
        try {
            return new CleanerCheckpoint(dir);
        } catch (IOException e) {
            // Forgetting how far logs are clean only costs a re-cleaning from their start.
            LOG.warnf(e, "Ignoring unreadable %s in %s", CleanerCheckpoint.FILE_NAME, dir);
            try {
                java.nio.file.Files.deleteIfExists(dir.resolve(CleanerCheckpoint.FILE_NAME));
                return new CleanerCheckpoint(dir);
            } catch (IOException e2) {
                throw new org.apache.kafka.common.errors.KafkaStorageException("Cannot reset cleaner checkpoint in " + dir, e2);
            }
        }
    }

    private static Path key(Path dir) {
        return dir.toAbsolutePath().normalize();
    }

    private CleanerCheckpoint checkpointOf(PartitionLog log) {
        return checkpoints.get(key(log.directory().getParent()));
    }

    /** The offset below which log is clean, as the checkpoint says, reset to the log start when out of range. */
    long cleanOffset(PartitionLog log) {
        CleanerCheckpoint cp = checkpointOf(log);
        Long saved = cp == null ? null : cp.get(log.topicPartition());
        long start = log.logStartOffset();
        if (saved == null || saved < start || saved > log.logEndOffset()) return start;
        return saved;
    }

    Cleanable evaluate(PartitionLog log, long nowMs) {
        LogConfig cfg = log.config();
        NavigableMap<Long, LogSegment> segments = log.segmentMap();
        LogSegment active = segments.lastEntry().getValue();
        long firstDirty = cleanOffset(log);
        Long dirtyFrom = segments.floorKey(firstDirty);
        if (dirtyFrom == null) dirtyFrom = segments.firstKey();
        long firstUncleanable = active.baseOffset;
        long cleanBytes = 0, dirtyBytes = 0;
        boolean forced = false;
        long upperBound = log.cleanerUpperBound();
        for (LogSegment s : segments.headMap(active.baseOffset, false).values()) {
            if (s.readNextOffset() > upperBound) { // holds records that may yet be truncated
                firstUncleanable = s.baseOffset;
                break;
            }
            if (s.baseOffset < dirtyFrom) {
                cleanBytes += s.size();
                continue;
            }
            if (cfg.minCompactionLagMs() > 0 && largestTimestamp(s) > nowMs - cfg.minCompactionLagMs()) {
                firstUncleanable = s.baseOffset;
                break;
            }
            if (dirtyBytes == 0 && s.size() > 0) {
                long earliest = s.firstBatchTimestamp();
                forced = earliest != RecordBatch.NO_TIMESTAMP && nowMs - earliest > cfg.maxCompactionLagMs();
            }
            dirtyBytes += s.size();
        }
        Long horizon = tombstoneHorizons.get(log.topicPartition());
        if (horizon != null && nowMs >= horizon) forced = true;
        return new Cleanable(log, firstDirty, firstUncleanable, cleanBytes, dirtyBytes, forced);
    }

    private static long largestTimestamp(LogSegment s) {
        try {
            return s.largestTimestampForRetention();
        } catch (IOException e) {
            return Long.MAX_VALUE; // cannot tell its age: treat it as recent, never compact it early
        }
    }

    /**
     * Cleans the one compacted log that needs it most (forced ones first, then by dirty ratio), on the calling
     * thread. Empty when no log needs cleaning.
     */
    public Optional<SegmentCleaner.Result> cleanOnce(long nowMs) {
        List<Cleanable> candidates = new ArrayList<>();
        for (PartitionLog log : logs.get()) {
            TopicPartition tp = log.topicPartition();
            if (!log.config().compacted() || inProgress.contains(tp) || aborted.contains(tp)) continue;
            try {
                Cleanable c = evaluate(log, nowMs);
                if (c.needsCleaning()) candidates.add(c);
            } catch (RuntimeException e) {
                LOG.debugf(e, "Cannot evaluate %s for cleaning", log.topicPartition()); // e.g. deleted meanwhile
            }
        }
        candidates.sort(Comparator.comparing(Cleanable::forced).thenComparingDouble(Cleanable::dirtyRatio).reversed());
        for (Cleanable c : candidates) {
            TopicPartition tp = c.log().topicPartition();
            if (!inProgress.add(tp)) continue;
            try {
                if (aborted.contains(tp)) continue;
                return Optional.ofNullable(clean(c, nowMs));
            } finally {
                synchronized (inProgress) {
                    inProgress.remove(tp);
                    inProgress.notifyAll();
                }
            }
        }
        return Optional.empty();
    }

    private SegmentCleaner.Result clean(Cleanable c, long nowMs) {
        PartitionLog log = c.log();
        try {
            SegmentCleaner.Result r = new SegmentCleaner(log, settings.ioBufferSize(), settings.dedupeBytesPerThread(),
                    swapListener, () -> stopping || aborted.contains(log.topicPartition())).clean(c.firstDirty(), c.firstUncleanable(), nowMs);
            if (r == null) return null;
            checkpointOf(log).update(log.topicPartition(), r.end());
            if (r.earliestTombstoneHorizon() == Long.MAX_VALUE) tombstoneHorizons.remove(log.topicPartition());
            else tombstoneHorizons.put(log.topicPartition(), r.earliestTombstoneHorizon());
            LOG.infof("Cleaned %s [%d, %d): %d segments into %d, %d bytes into %d", log.topicPartition(),
                    r.firstDirty(), r.end(), r.segmentsBefore(), r.segmentsAfter(), r.bytesRead(), r.bytesWritten());
            return r;
        } catch (SegmentCleaner.SimulatedCrash e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (stopping || aborted.contains(log.topicPartition())) return null;
            LOG.errorf(e, "Cleaning of %s failed", log.topicPartition());
            return null;
        }
    }

    /**
     * Stops any cleaning of tp and keeps new ones from starting, returning once none runs (a running one gives up
     * at its next group of segments). For a log about to be deleted: the cleaner must not write into its directory.
     */
    public void abortAndPause(TopicPartition tp) {
        aborted.add(tp);
        synchronized (inProgress) {
            while (inProgress.contains(tp)) {
                try {
                    inProgress.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    boolean isPaused(TopicPartition tp) {
        return aborted.contains(tp);
    }

    /** Lets tp be cleaned again (after {@link #abortAndPause}). */
    public void resume(TopicPartition tp) {
        aborted.remove(tp);
    }

    /** Forgets a deleted log's clean offset. */
    public void forget(TopicPartition tp, Path logDir) {
        tombstoneHorizons.remove(tp);
        CleanerCheckpoint cp = checkpoints.get(key(logDir));
        if (cp == null) return;
        try {
            cp.remove(tp);
        } catch (IOException e) {
            LOG.warnf(e, "Cannot update %s in %s", CleanerCheckpoint.FILE_NAME, logDir);
        }
    }

    /** Starts the cleaner threads (if log.cleaner.enable). */
    public synchronized void startup() {
        if (!settings.enabled() || !threads.isEmpty()) return;
        for (int i = 0; i < settings.threads(); i++) {
            Thread t = new Thread(this::run, "sluice-log-cleaner-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run() {
        while (!stopping) {
            boolean cleaned;
            try {
                cleaned = cleanOnce(clock.millis()).isPresent();
            } catch (RuntimeException e) {
                LOG.errorf(e, "Log cleaner pass failed");
                cleaned = false;
            }
            if (cleaned) continue;
            synchronized (wakeup) {
                if (stopping) return;
                try {
                    wakeup.wait(settings.backoffMs());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Stops the threads: a cleaning in progress gives up at its next group (its .cleaned files are removed). */
    public synchronized void shutdown() {
        stopping = true;
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        for (Thread t : threads) {
            try {
                t.join(30_000);
                if (t.isAlive()) LOG.warnf("%s did not stop in 30 s", t.getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }
}
