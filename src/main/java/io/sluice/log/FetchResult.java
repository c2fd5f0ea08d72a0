package io.sluice.log;

import org.apache.kafka.common.record.internal.Records;

/** Whole batches read from one segment (a FileRecords slice, so it can be sent zero-copy), and the log bounds seen by the read. */
public record FetchResult(Records records, long logStartOffset, long logEndOffset) {}
