package io.sluice.log;

import java.nio.file.Path;

/** Names of the files in a partition directory, as Kafka spells them. */
final class LogFiles {
    static final String LOG = ".log";
    static final String INDEX = ".index";
    static final String TIME_INDEX = ".timeindex";
    static final String TXN_INDEX = ".txnindex";
    static final String SNAPSHOT = ".snapshot";
    /** Suffix of files waiting for their delayed deletion; leftovers from a crash are removed on load. */
    static final String DELETED = ".deleted";
    /** Suffix of a segment the cleaner is still writing; a crash leaves it incomplete, so load deletes it. */
    static final String CLEANED = ".cleaned";
    /** Suffix of a finished cleaned segment that replaces older ones; load completes the replacement. */
    static final String SWAP = ".swap";
    static final String LEADER_EPOCH_CHECKPOINT = "leader-epoch-checkpoint";
    static final String LOG_START_OFFSET = "log-start-offset";
    static final String RECOVERY_POINT = "recovery-point";

    private LogFiles() {}

    static String prefix(long offset) {
        return String.format("%020d", offset);
    }

    static Path log(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + LOG);
    }

    static Path index(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + INDEX);
    }

    static Path timeIndex(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + TIME_INDEX);
    }

    static Path txnIndex(Path dir, long baseOffset) {
        return dir.resolve(prefix(baseOffset) + TXN_INDEX);
    }

    static Path snapshot(Path dir, long offset) {
        return dir.resolve(prefix(offset) + SNAPSHOT);
    }

    /** Makes renames inside dir durable (Linux allows fsync of a directory; elsewhere it is skipped). */
    static void fsyncDir(Path dir) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // Not supported on this platform: the renames are still atomic, only their durability is the OS's.
        }
    }

    /** The offset in a name like {@code 00000000000000000042.log}, or -1 if the name is not of that form. */
    static long offsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) return -1;
        String digits = fileName.substring(0, fileName.length() - suffix.length());
        if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) return -1;
        return Long.parseLong(digits);
    }
}
