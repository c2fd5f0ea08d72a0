package io.sluice.protocol.handler;

import org.apache.kafka.common.protocol.Errors;

/** Errors of the transaction APIs as a request's version understands them. */
final class TxnErrors {
    private TxnErrors() {}

    /**
     * PRODUCER_FENCED exists only from a version of each API on (KIP-588); older clients are told
     * INVALID_PRODUCER_EPOCH, which they treat the same way.
     */
    static Errors forVersion(Errors error, short version, int producerFencedSince) {
        return error == Errors.PRODUCER_FENCED && version < producerFencedSince ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
