package io.sluice.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

import org.apache.kafka.common.errors.CorruptRecordException;
import org.jboss.logging.Logger;

/**
 * Opens the segments of a partition directory. After a clean shutdown the files are trusted (indexes are rebuilt
 * only when missing or inconsistent). After an unclean one, every segment from the one holding the recovery point
 * (and always the last one) is validated batch by batch; the first torn or corrupt batch and everything after it is
 * removed, including later segments, so a torn write is never served.
 */
final class LogLoader {
    private static final Logger LOG = Logger.getLogger(LogLoader.class);

    record Loaded(ConcurrentSkipListMap<Long, LogSegment> segments, long logEndOffset) {}

    private LogLoader() {}

    static Loaded load(Path dir, LogConfig config, boolean cleanShutdown, long recoveryPoint, long logStartOffset)
            throws IOException {
        removeLeftovers(dir);
        completeSwaps(dir, config);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        List<Long> bases = segmentBaseOffsets(dir);
        // Unclean: validate from the segment holding the recovery point, and always the last segment.
        long recoverFrom = Long.MAX_VALUE;
        if (!cleanShutdown && !bases.isEmpty()) {
            recoverFrom = bases.get(0);
            for (long base : bases) if (base <= recoveryPoint) recoverFrom = base;
        }
        for (long base : bases) {
            boolean indexesPresent = Files.exists(LogFiles.index(dir, base)) && Files.exists(LogFiles.timeIndex(dir, base));
            LogSegment s = LogSegment.open(dir, base, config);
            segments.put(base, s);
            if (base >= recoverFrom) {
                int truncated = s.recover(config);
                if (truncated > 0) {
                    LOG.warnf("Truncated %d bytes of torn or corrupt data from %s segment %d; dropping later segments",
                            truncated, dir.getFileName(), base);
                    deleteSegmentsAfter(dir, base);
                    break;
                }
            } else if (!indexesPresent || !indexesUsable(s)) {
                LOG.warnf("Rebuilding indexes of %s segment %d", dir.getFileName(), base);
                s.recover(config);
            }
        }
        if (segments.isEmpty() || segments.lastEntry().getValue().readNextOffset() < logStartOffset) {
            // Nothing on disk, or everything below a persisted log start offset is gone: start empty at the log start.
            for (LogSegment s : segments.values()) s.closeAndDeleteFiles();
            segments.clear();
            segments.put(logStartOffset, LogSegment.create(dir, logStartOffset, config));
        }
        for (LogSegment s : segments.headMap(segments.lastKey()).values()) s.makeInactive();
        LogSegment active = segments.lastEntry().getValue();
        active.makeActive(config);
        return new Loaded(segments, active.readNextOffset());
    }

    /**
     * Finishes a cleaner swap a crash interrupted. A {@code .swap} segment was complete and fsynced before it got that
     * name, and it ends exactly where the old segments it replaces ended (the cleaner always keeps the header of the
     * last batch of a group), so it replaces every segment whose base offset lies in [its base, its next offset).
     * Deleting those first and renaming last makes this step idempotent if a crash interrupts it too.
     */
    private static void completeSwaps(Path dir, LogConfig config) throws IOException {
        List<Long> swaps = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + LogFiles.LOG + LogFiles.SWAP)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                long base = LogFiles.offsetOf(name.substring(0, name.length() - LogFiles.SWAP.length()), LogFiles.LOG);
                if (base >= 0) swaps.add(base);
            }
        }
        swaps.sort(null);
        for (long base : swaps) {
            LogSegment swap = LogSegment.openWithSuffix(dir, base, config, LogFiles.SWAP);
            swap.recover(config); // rebuilds the indexes: whether their renames happened does not matter
            swap.makeInactive();
            long next = swap.readNextOffset();
            for (long old : segmentBaseOffsets(dir)) {
                if (old < base || old >= next) continue;
                Files.deleteIfExists(LogFiles.log(dir, old));
                Files.deleteIfExists(LogFiles.index(dir, old));
                Files.deleteIfExists(LogFiles.timeIndex(dir, old));
                Files.deleteIfExists(LogFiles.txnIndex(dir, old));
            }
            swap.changeFileSuffix(LogFiles.SWAP, "");
            swap.flush();
            swap.close();
            LOG.infof("Completed an interrupted cleaner swap in %s: segment %d replaces [%d, %d)", dir.getFileName(), base, base, next);
        }
        // Index files of a swap whose .log rename already happened: the loader rebuilds the missing live indexes.
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + LogFiles.SWAP)) {
            for (Path p : ds) Files.delete(p);
        }
        LogFiles.fsyncDir(dir);
    }

    private static boolean indexesUsable(LogSegment s) {
        try {
            return s.indexesConsistent();
        } catch (CorruptRecordException e) {
            return false; // a bad batch header after the last index entry: recover() truncates it
        }
    }

    private static void deleteSegmentsAfter(Path dir, long base) throws IOException {
        for (long later : segmentBaseOffsets(dir)) {
            if (later <= base) continue;
            Files.deleteIfExists(LogFiles.log(dir, later));
            Files.deleteIfExists(LogFiles.index(dir, later));
            Files.deleteIfExists(LogFiles.timeIndex(dir, later));
            Files.deleteIfExists(LogFiles.txnIndex(dir, later));
        }
    }

    private static List<Long> segmentBaseOffsets(Path dir) throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + LogFiles.LOG)) {
            for (Path p : ds) {
                long base = LogFiles.offsetOf(p.getFileName().toString(), LogFiles.LOG);
                if (base >= 0) out.add(base);
            }
        }
        out.sort(null);
        return out;
    }

    /** Files whose delayed deletion a crash interrupted, temp files of interrupted checkpoints, and indexes without a log. */
    private static void removeLeftovers(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                long indexBase = Math.max(Math.max(LogFiles.offsetOf(name, LogFiles.INDEX), LogFiles.offsetOf(name, LogFiles.TIME_INDEX)),
                        LogFiles.offsetOf(name, LogFiles.TXN_INDEX));
                boolean orphanIndex = indexBase >= 0 && !Files.exists(LogFiles.log(dir, indexBase));
                // A .cleaned file is an unfinished cleaning: the old segments it was to replace are all still there.
                if (name.endsWith(LogFiles.DELETED) || name.endsWith(".tmp") || name.endsWith(LogFiles.CLEANED) || orphanIndex)
                    Files.delete(p);
            }
        }
    }
}
