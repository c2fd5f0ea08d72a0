package io.sluice.protocol.handler;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.protocol.Errors;
import org.jboss.logging.Logger;

/** Turns a failed coordinator operation into the Kafka error the group APIs answer with. */
final class GroupErrors {
    private static final Logger LOG = Logger.getLogger(GroupErrors.class);

    private GroupErrors() {}

    static Errors of(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Errors mapped = Errors.forException(cause);
        if (mapped == Errors.UNKNOWN_SERVER_ERROR) {
            LOG.errorf(cause, "Group coordinator operation failed");
        }
        return mapped;
    }
}
