package io.sluice.controller;

import io.sluice.metadata.proto.MetadataRecord;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.requests.ApiError;

/**
 * What an operation decided: the response as it stands if the records commit, the records to
 * write, and how to turn the response's successes into failures if the write does not commit.
 */
record ControllerResult<R>(R response, List<MetadataRecord> records, Consumer<ApiError> failSuccesses) {
    static <R> ControllerResult<R> of(R response) {
        return new ControllerResult<>(response, List.of(), error -> { });
    }
}
