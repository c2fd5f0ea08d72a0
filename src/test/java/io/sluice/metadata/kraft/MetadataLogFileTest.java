package io.sluice.metadata.kraft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.metadata.MetadataRecords;
import io.sluice.metadata.proto.MetadataRecord;
import io.sluice.metadata.proto.MetadataRecordBatch;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataLogFileTest {
    @TempDir
    Path dir;

    private static List<MetadataRecord> batch(int first, int count) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(MetadataRecords.producerIds(1, first + i + 1));
        }
        return records;
    }

    private List<MetadataRecordBatch> reopen() throws IOException {
        List<MetadataRecordBatch> replayed = new ArrayList<>();
        MetadataLogFile.open(dir, replayed::add).close();
        return replayed;
    }

    @Test
    void batchesSurviveReopenWithRecordOffsets() throws IOException {
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            assertEquals(1, log.append(batch(0, 2)));
            assertEquals(4, log.append(batch(2, 3)));
        }
        List<MetadataRecordBatch> replayed = reopen();
        assertEquals(2, replayed.size());
        assertEquals(2, replayed.get(1).getBaseOffset());
        assertEquals(batch(2, 3), replayed.get(1).getRecordsList());
    }

    @Test
    void tornTailIsTruncatedAndLaterWritesWork() throws IOException {
        long intactSize;
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            log.append(batch(0, 2));
            intactSize = Files.size(dir.resolve(MetadataLogFile.FILE_NAME));
            log.append(batch(2, 2));
        }
        Path file = dir.resolve(MetadataLogFile.FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Files.size(file) - 3); // the crash hit mid-way through the second frame
        }

        assertEquals(1, reopen().size());
        assertEquals(intactSize, Files.size(file));
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            assertEquals(2, log.nextOffset());
            assertEquals(3, log.append(batch(2, 2)));
        }
        List<MetadataRecordBatch> replayed = reopen();
        assertEquals(2, replayed.size());
        assertEquals(batch(2, 2), replayed.get(1).getRecordsList());
    }

    @Test
    void tornHeaderIsTruncated() throws IOException {
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            log.append(batch(0, 1));
        }
        Files.write(dir.resolve(MetadataLogFile.FILE_NAME), new byte[] {0, 0, 1}, StandardOpenOption.APPEND);
        assertEquals(1, reopen().size());
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            assertEquals(1, log.append(batch(1, 1)));
        }
        assertEquals(2, reopen().size());
    }

    @Test
    void corruptLastFrameIsTruncated() throws IOException {
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            log.append(batch(0, 1));
            log.append(batch(1, 1));
        }
        Path file = dir.resolve(MetadataLogFile.FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long last = raf.length() - 1;
            raf.seek(last);
            int b = raf.read();
            raf.seek(last);
            raf.write(b ^ 0xFF); // a flipped bit in the payload fails the CRC
        }
        List<MetadataRecordBatch> replayed = reopen();
        assertEquals(1, replayed.size());
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            assertEquals(1, log.append(batch(1, 1)));
        }
        assertEquals(2, reopen().size());
    }

    @Test
    void garbageLengthIsTreatedAsTornNotAllocated() throws IOException {
        try (MetadataLogFile log = MetadataLogFile.open(dir, b -> { })) {
            log.append(batch(0, 1));
        }
        Files.write(dir.resolve(MetadataLogFile.FILE_NAME), new byte[] {0x7f, -1, -1, -1, 0, 0, 0, 0, 1, 2},
                StandardOpenOption.APPEND);
        assertEquals(1, reopen().size());
    }
}
