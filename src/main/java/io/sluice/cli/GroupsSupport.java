package io.sluice.cli;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/** Shared translation of group API failures into messages an operator can act on. */
final class GroupsSupport {
    private GroupsSupport() {}

    /** Runs an admin call, naming the group and the missing broker feature when that is why it failed. */
    static <T> T call(String group, AdminCall<T> call) throws Exception {
        try {
            return call.run();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnsupportedVersionException) {
                throw new CliException("the broker does not support consumer groups yet (" + cause.getMessage() + ")");
            }
            if (cause instanceof GroupIdNotFoundException && group != null) {
                throw new CliException("Consumer group '" + group + "' does not exist.");
            }
            throw e;
        }
    }

    interface AdminCall<T> {
        T run() throws Exception;
    }
}
