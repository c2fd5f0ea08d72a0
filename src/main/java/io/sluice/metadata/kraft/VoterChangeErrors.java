package io.sluice.metadata.kraft;

import io.sluice.raft.NotLeaderException;
import io.sluice.raft.VoterChangeException;
import org.apache.kafka.common.errors.DuplicateVoterException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.VoterNotFoundException;

/** The Kafka error an AddRaftVoter / RemoveRaftVoter caller hears for why Raft refused a voter change. */
final class VoterChangeErrors {
    private VoterChangeErrors() {
    }

    /** Whether waiting may help: the previous change or the new voter's catching up is still under way. */
    static boolean retriable(Throwable e) {
        return e instanceof VoterChangeException v && (v.reason() == VoterChangeException.Reason.CHANGE_IN_PROGRESS
                || v.reason() == VoterChangeException.Reason.NOT_CAUGHT_UP);
    }

    static RuntimeException toKafka(Throwable e) {
        if (e instanceof NotLeaderException) {
            return new NotLeaderOrFollowerException("Leadership moved before the voter change committed: "
                    + e.getMessage());
        }
        if (!(e instanceof VoterChangeException v)) {
            return e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        return switch (v.reason()) {
            case NOT_LEADER -> new NotLeaderOrFollowerException(v.getMessage());
            // Kafka: a quorum at kraft.version 0 (static voters) cannot change its voters.
            case STATIC_QUORUM -> new UnsupportedVersionException("Cluster doesn't support changing voters because "
                    + "its voters are static (controller.quorum.voters, kraft.version 0)");
            case CHANGE_IN_PROGRESS, NOT_CAUGHT_UP -> new TimeoutException(v.getMessage());
            case DUPLICATE_VOTER -> new DuplicateVoterException(v.getMessage());
            case VOTER_NOT_FOUND -> new VoterNotFoundException(v.getMessage());
            case LAST_VOTER -> new InvalidRequestException(v.getMessage());
        };
    }
}
