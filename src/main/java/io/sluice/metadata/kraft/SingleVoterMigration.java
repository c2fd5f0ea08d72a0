package io.sluice.metadata.kraft;

import io.sluice.metadata.MetadataDelta;
import io.sluice.metadata.MetadataImage;
import io.sluice.metadata.proto.MetadataRecordBatch;
import io.sluice.raft.FileSnapshotStore;
import io.sluice.raft.OffsetAndEpoch;
import io.sluice.raft.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jboss.logging.Logger;

/**
 * Moves a log written by the former single-voter backend (before nodes ran Raft) ({@link MetadataLogFile}) onto the Raft log: its image
 * becomes a Raft snapshot ending where the old log ended (epoch 0, before any Raft epoch), and the old
 * file is renamed aside. Only for a quorum of one: nobody else holds a log to agree with.
 *
 * <p>Crash-safe by order: the snapshot is durable before the old file is renamed, and a rerun after a crash
 * in between finds the snapshot already there (saving it again is a no-op) and only renames.
 */
final class SingleVoterMigration {
    private static final Logger LOG = Logger.getLogger(SingleVoterMigration.class);
    static final String MIGRATED_SUFFIX = ".migrated";

    private SingleVoterMigration() {
    }

    static boolean needed(Path raftDir) {
        return Files.exists(raftDir.resolve(MetadataLogFile.FILE_NAME));
    }

    static void migrate(Path raftDir, String clusterId) {
        MetadataDelta delta = new MetadataDelta(MetadataImage.empty(clusterId));
        long end;
        try (MetadataLogFile old = MetadataLogFile.open(raftDir,
                batch -> batch.getRecordsList().forEach(delta::replay))) {
            end = old.nextOffset();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the single-voter metadata log in " + raftDir, e);
        }
        MetadataImage image = delta.apply(end - 1);
        if (end > 0) {
            byte[] data = MetadataRecordBatch.newBuilder().addAllRecords(ImageRecords.of(image)).build().toByteArray();
            new FileSnapshotStore(raftDir).save(new Snapshot(new OffsetAndEpoch(end, 0), data));
        }
        Path file = raftDir.resolve(MetadataLogFile.FILE_NAME);
        try {
            Files.move(file, raftDir.resolve(MetadataLogFile.FILE_NAME + MIGRATED_SUFFIX),
                    StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Fsync.directory(raftDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move " + file + " aside after migrating it", e);
        }
        LOG.infof("Migrated the single-voter metadata log in %s (%d records, %d topics) to the Raft log", raftDir,
                end, image.topics().size());
    }
}
