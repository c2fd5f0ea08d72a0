package io.sluice.network;

/** Raised by request processing when the only safe answer is to drop the connection (Kafka does the same). */
public final class CloseConnectionException extends RuntimeException {
    public CloseConnectionException(String message) {
        super(message, null, false, false);
    }
}
