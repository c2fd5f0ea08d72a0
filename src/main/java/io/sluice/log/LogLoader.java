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
                long indexBase = Math.max(LogFiles.offsetOf(name, LogFiles.INDEX), LogFiles.offsetOf(name, LogFiles.TIME_INDEX));
                boolean orphanIndex = indexBase >= 0 && !Files.exists(LogFiles.log(dir, indexBase));
                if (name.endsWith(LogFiles.DELETED) || name.endsWith(".tmp") || orphanIndex) Files.delete(p);
            }
        }
    }
}
