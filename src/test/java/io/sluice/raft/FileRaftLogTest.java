package io.sluice.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRaftLogTest {

    @TempDir
    Path dir;

    private static LogEntry entry(long offset, int epoch, String data) {
        return new LogEntry(offset, epoch, false, data.getBytes(StandardCharsets.UTF_8));
    }

    private static void fill(RaftLog log, int epoch, int count) {
        for (int i = 0; i < count; i++) {
            log.append(entry(log.endOffset(), epoch, "e" + epoch + "-" + i));
        }
    }

    @Test
    void flushedEntriesSurviveReopen() {
        try (FileRaftLog log = new FileRaftLog(dir)) {
            fill(log, 1, 3);
            log.append(LogEntry.leaderChange(3, 2));
            assertEquals(0, log.flushedEndOffset());
            log.flush();
            assertEquals(4, log.flushedEndOffset());
        }
        try (FileRaftLog log = new FileRaftLog(dir)) {
            assertEquals(4, log.endOffset());
            assertEquals(entry(1, 1, "e1-1"), log.entry(1));
            assertEquals(LogEntry.leaderChange(3, 2), log.entry(3));
            assertEquals(4, log.flushedEndOffset());
        }
    }

    @Test
    void tornTailIsCutOffOnOpen() throws IOException {
        try (FileRaftLog log = new FileRaftLog(dir)) {
            fill(log, 1, 3);
            log.flush();
        }
        Path file = dir.resolve("raft.log");
        long goodSize = Files.size(file);
        // Half a frame: a length that promises more bytes than were written.
        Files.write(file, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
        try (FileRaftLog log = new FileRaftLog(dir)) {
            assertEquals(3, log.endOffset());
            assertEquals(goodSize, Files.size(file));
            log.append(entry(3, 1, "after"));
            log.flush();
        }
        // A corrupt byte inside the last frame drops that frame only.
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x5a;
        Files.write(file, bytes);
        try (FileRaftLog log = new FileRaftLog(dir)) {
            assertEquals(3, log.endOffset());
        }
    }

    @Test
    void truncationsAreDurable() {
        try (FileRaftLog log = new FileRaftLog(dir)) {
            fill(log, 1, 5);
            fill(log, 3, 5);
            log.flush();
            log.truncateTo(8);
            log.truncatePrefix(new OffsetAndEpoch(4, 1));
            assertEquals(4, log.startOffset());
            assertEquals(1, log.startEpoch());
            log.append(entry(8, 4, "new"));
            log.flush();
        }
        try (FileRaftLog log = new FileRaftLog(dir)) {
            assertEquals(4, log.startOffset());
            assertEquals(9, log.endOffset());
            assertEquals(entry(4, 1, "e1-4"), log.entry(4));
            assertEquals(entry(8, 4, "new"), log.entry(8));
            // A snapshot that disagrees with the log (or lies beyond it) replaces all of it.
            log.truncatePrefix(new OffsetAndEpoch(6, 2));
            assertEquals(6, log.startOffset());
            assertEquals(6, log.endOffset());
            assertEquals(2, log.startEpoch());
        }
    }

    @Test
    void fetchChecksFindWhereLogsDiverge() {
        try (FileRaftLog log = new FileRaftLog(dir)) {
            fill(log, 1, 4); // offsets 0-3
            fill(log, 3, 4); // offsets 4-7
            assertEquals(new OffsetAndEpoch(4, 1), LogQueries.endOffsetForEpoch(log, 2));
            assertEquals(new OffsetAndEpoch(8, 3), LogQueries.endOffsetForEpoch(log, 5));
            assertInstanceOf(LogQueries.FetchCheck.Valid.class, LogQueries.checkFetch(log, 6, 3));
            // A follower that wrote offsets 4-5 in epoch 2 must go back to 4.
            LogQueries.FetchCheck check = LogQueries.checkFetch(log, 6, 2);
            assertEquals(new LogQueries.FetchCheck.Diverging(new OffsetAndEpoch(4, 1)), check);
            assertInstanceOf(LogQueries.FetchCheck.Diverging.class, LogQueries.checkFetch(log, 9, 3));
            log.truncatePrefix(new OffsetAndEpoch(5, 3));
            assertInstanceOf(LogQueries.FetchCheck.NeedsSnapshot.class, LogQueries.checkFetch(log, 4, 1));
            assertNull(LogQueries.endOffsetForEpoch(log, 1));
            assertInstanceOf(LogQueries.FetchCheck.Valid.class, LogQueries.checkFetch(log, 5, 3));
        }
    }
}
