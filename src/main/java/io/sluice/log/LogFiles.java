package io.sluice.log;

import java.nio.file.Path;

/** Names of the files in a partition directory, as Kafka spells them. */
final class LogFiles {
    static final String LOG = ".log";
    static final String INDEX = ".index";
    static final String TIME_INDEX = ".timeindex";
    static final String SNAPSHOT = ".snapshot";
    /** Suffix of files waiting for their delayed deletion; leftovers from a crash are removed on load. */
    static final String DELETED = ".deleted";
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

    static Path snapshot(Path dir, long offset) {
        return dir.resolve(prefix(offset) + SNAPSHOT);
    }

    /** The offset in a name like {@code 00000000000000000042.log}, or -1 if the name is not of that form. */
    static long offsetOf(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) return -1;
        String digits = fileName.substring(0, fileName.length() - suffix.length());
        if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) return -1;
        return Long.parseLong(digits);
    }
}
