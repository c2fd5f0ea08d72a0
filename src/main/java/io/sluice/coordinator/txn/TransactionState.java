package io.sluice.coordinator.txn;

/** A transactional id's state, with the ids Kafka stores in {@code __transaction_state}. */
public enum TransactionState {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort");

    public final byte id;
    /** The name DescribeTransactions and ListTransactions report. */
    public final String wireName;

    TransactionState(int id, String wireName) {
        this.id = (byte) id;
        this.wireName = wireName;
    }

    /** The decision is durable but the markers are not all written yet: other requests wait (CONCURRENT_TRANSACTIONS). */
    public boolean isPreparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    /** No transaction is under way: the id may expire once idle for transactional.id.expiration.ms. */
    public boolean isIdle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    public static TransactionState of(byte id) {
        for (TransactionState s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown transaction state " + id);
    }
}
