package io.sluice.cli;

import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Turns a failure into one line {@code Error: ...}. Expected failures (Kafka errors, bad files,
 * refused storage) never show a stack trace; {@code -Dsluice.debug=true} adds it for anything.
 */
final class ErrorReporter {
    private ErrorReporter() {}

    static void report(Throwable failure, PrintWriter err) {
        Throwable cause = unwrap(failure);
        err.println("Error: " + message(cause));
        if (Boolean.getBoolean("sluice.debug") || !isExpected(cause)) {
            failure.printStackTrace(err);
        }
        err.flush();
    }

    /** Admin and producer futures wrap the interesting exception once or twice. */
    static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while ((cur instanceof ExecutionException || cur instanceof CompletionException) && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }

    static String message(Throwable t) {
        if (t instanceof TimeoutException) {
            return "timed out waiting for the broker (is it running and reachable at the bootstrap address?): "
                    + t.getMessage();
        }
        if (t instanceof UnsupportedVersionException) {
            return "the broker does not support this request: " + t.getMessage();
        }
        String msg = t.getMessage();
        StringBuilder text = new StringBuilder(msg == null || msg.isBlank() ? t.getClass().getSimpleName() : msg);
        // Client constructors wrap the useful reason ("Failed to create new KafkaAdminClient").
        for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }

    private static boolean isExpected(Throwable t) {
        return t instanceof CliException
                || t instanceof org.apache.kafka.common.KafkaException
                || t instanceof java.io.IOException
                || t instanceof java.io.UncheckedIOException
                || t instanceof IllegalStateException
                || t instanceof IllegalArgumentException;
    }
}
