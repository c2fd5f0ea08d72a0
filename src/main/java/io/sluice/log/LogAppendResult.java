package io.sluice.log;

/**
 * Outcome of an append. For a retried duplicate, the offsets (and append time) are those of the original append and
 * nothing was written ({@code duplicate} true, {@code sizeInBytes} 0). {@code logAppendTime} is -1 unless the topic uses LogAppendTime.
 */
public record LogAppendResult(long firstOffset, long lastOffset, long logAppendTime, long logStartOffset,
        int recordCount, int sizeInBytes, boolean duplicate) {}
