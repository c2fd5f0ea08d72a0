package io.sluice.cli;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * kafka-console-consumer's default output: the enabled columns in the order timestamp, partition,
 * offset, headers, key, value, each followed by {@code key.separator} except the last, which is
 * followed by {@code line.separator}. Same {@code --property} names and defaults (print.value on,
 * the rest off, TAB, newline, ',' between headers, {@code null} for null).
 */
final class RecordFormatter {
    private final boolean printTimestamp;
    private final boolean printPartition;
    private final boolean printOffset;
    private final boolean printHeaders;
    private final boolean printKey;
    private final boolean printValue;
    private final String keySeparator;
    private final String lineSeparator;
    private final String headersSeparator;
    private final String nullLiteral;

    RecordFormatter(Map<String, String> props) {
        printTimestamp = flag(props, "print.timestamp", false);
        printPartition = flag(props, "print.partition", false);
        printOffset = flag(props, "print.offset", false);
        printHeaders = flag(props, "print.headers", false);
        printKey = flag(props, "print.key", false);
        printValue = flag(props, "print.value", true);
        keySeparator = props.getOrDefault("key.separator", "\t");
        lineSeparator = props.getOrDefault("line.separator", "\n");
        headersSeparator = props.getOrDefault("headers.separator", ",");
        nullLiteral = props.getOrDefault("null.literal", "null");
    }

    String format(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder out = new StringBuilder();
        // Columns in output order; each is written only if enabled.
        boolean[] enabled = {printTimestamp, printPartition, printOffset, printHeaders, printKey, printValue};
        int last = -1;
        for (int i = 0; i < enabled.length; i++) {
            if (enabled[i]) {
                last = i;
            }
        }
        for (int i = 0; i <= last; i++) {
            if (!enabled[i]) {
                continue;
            }
            out.append(column(i, r));
            out.append(i == last ? lineSeparator : keySeparator);
        }
        if (last < 0) {
            // Nothing enabled: still one (empty) line per record, so counts stay visible.
            out.append(lineSeparator);
        }
        return out.toString();
    }

    private String column(int i, ConsumerRecord<byte[], byte[]> r) {
        return switch (i) {
            case 0 -> r.timestampType() == TimestampType.NO_TIMESTAMP_TYPE ? "NO_TIMESTAMP"
                    : r.timestampType() + ":" + r.timestamp();
            case 1 -> "Partition:" + r.partition();
            case 2 -> "Offset:" + r.offset();
            case 3 -> headers(r);
            case 4 -> text(r.key());
            default -> text(r.value());
        };
    }

    private String headers(ConsumerRecord<byte[], byte[]> r) {
        Header[] headers = r.headers().toArray();
        if (headers.length == 0) {
            return "NO_HEADERS";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < headers.length; i++) {
            if (i > 0) {
                out.append(headersSeparator);
            }
            out.append(headers[i].key()).append(':').append(text(headers[i].value()));
        }
        return out.toString();
    }

    private String text(byte[] bytes) {
        return bytes == null ? nullLiteral : new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean flag(Map<String, String> props, String name, boolean dflt) {
        String v = props.get(name);
        return v == null ? dflt : Boolean.parseBoolean(v.trim());
    }
}
