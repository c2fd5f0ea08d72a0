package io.sluice.raft;

import java.util.Map;
import java.util.TreeMap;

/**
 * The voter set along the log (KIP-853): a base set (the static configuration, or the one a snapshot
 * carries) and every voter-set control entry since, by offset. A set is in effect from the moment its
 * entry is appended, committed or not, so truncating the log must bring the older set back.
 */
final class VoterHistory {
    private VoterSet base;
    private final TreeMap<Long, VoterSet> changes = new TreeMap<>();

    VoterHistory(VoterSet base) {
        this.base = base;
    }

    /** The set in effect at the log end. */
    VoterSet current() {
        Map.Entry<Long, VoterSet> last = changes.lastEntry();
        return last == null ? base : last.getValue();
    }

    /** The set in effect after the entry at {@code offset} (the one a snapshot ending after it must carry). */
    VoterSet at(long offset) {
        Map.Entry<Long, VoterSet> e = changes.floorEntry(offset);
        return e == null ? base : e.getValue();
    }

    /** Offset of the latest change, or -1 when the base set is in effect. */
    long lastChangeOffset() {
        return changes.isEmpty() ? -1 : changes.lastKey();
    }

    void appended(long offset, VoterSet set) {
        changes.put(offset, set);
    }

    /** The entries at and above {@code offset} are gone. */
    void truncateTo(long offset) {
        changes.tailMap(offset, true).clear();
    }

    /** The log now starts at {@code offset}: older changes fold into the base. */
    void truncatePrefix(long offset) {
        Map.Entry<Long, VoterSet> e = changes.lowerEntry(offset);
        if (e != null) {
            base = e.getValue();
        }
        changes.headMap(offset, false).clear();
    }

    /** Replaces everything: a snapshot was loaded. */
    void reset(VoterSet newBase) {
        base = newBase;
        changes.clear();
    }
}
