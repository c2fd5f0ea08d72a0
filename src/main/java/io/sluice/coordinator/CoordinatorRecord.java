package io.sluice.coordinator;

/**
 * One record of coordinator state as written to the internal topic: the key decides what
 * compaction keeps (the latest per key), a null value is a tombstone that deletes the key.
 */
public record CoordinatorRecord(byte[] key, byte[] value) {
    public static CoordinatorRecord tombstone(byte[] key) {
        return new CoordinatorRecord(key, null);
    }
}
