package io.sluice.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One input line into key, value and headers, with kafka-console-producer's {@code --property}
 * names and defaults: {@code [headers<headers.delimiter>][key<key.separator>]value}, headers as
 * {@code k<headers.key.separator>v<headers.separator>...}, and {@code null.marker} standing for null.
 */
final class LineRecordParser {
    /** A parsed line; key and value are null when absent or equal to the null marker. */
    record Parsed(byte[] key, byte[] value, List<Header> headers) {}

    private final boolean parseKey;
    private final String keySeparator;
    private final boolean parseHeaders;
    private final String headersDelimiter;
    private final String headersSeparator;
    private final String headersKeySeparator;
    private final String nullMarker;
    private final boolean ignoreError;

    LineRecordParser(Map<String, String> props) {
        parseKey = Boolean.parseBoolean(props.getOrDefault("parse.key", "false"));
        keySeparator = props.getOrDefault("key.separator", "\t");
        parseHeaders = Boolean.parseBoolean(props.getOrDefault("parse.headers", "false"));
        headersDelimiter = props.getOrDefault("headers.delimiter", "\t");
        headersSeparator = props.getOrDefault("headers.separator", ",");
        headersKeySeparator = props.getOrDefault("headers.key.separator", ":");
        nullMarker = props.get("null.marker");
        ignoreError = Boolean.parseBoolean(props.getOrDefault("ignore.error", "false"));
        for (var sep : List.of(Map.entry("key.separator", keySeparator), Map.entry("headers.delimiter", headersDelimiter),
                Map.entry("headers.separator", headersSeparator), Map.entry("headers.key.separator", headersKeySeparator))) {
            if (sep.getValue().isEmpty()) {
                throw new CliException("The producer property " + sep.getKey() + " must not be empty");
            }
            // A marker equal to a separator would make lines ambiguous.
            if (sep.getValue().equals(nullMarker)) {
                throw new CliException("null.marker must differ from " + sep.getKey() + " ('" + nullMarker + "')");
            }
        }
    }

    Parsed parse(String line, long lineNumber) {
        String rest = line;
        List<Header> headers = List.of();
        if (parseHeaders) {
            int at = rest.indexOf(headersDelimiter);
            if (at < 0) {
                if (!ignoreError) {
                    throw new CliException("No headers delimiter found on line number " + lineNumber + ": '" + line + "'");
                }
            } else {
                headers = headers(rest.substring(0, at), lineNumber);
                rest = rest.substring(at + headersDelimiter.length());
            }
        }
        String key = null;
        if (parseKey) {
            int at = rest.indexOf(keySeparator);
            if (at < 0) {
                if (!ignoreError) {
                    throw new CliException("No key separator found on line number " + lineNumber + ": '" + line + "'");
                }
            } else {
                key = rest.substring(0, at);
                rest = rest.substring(at + keySeparator.length());
            }
        }
        return new Parsed(bytesOrNull(key), bytesOrNull(rest), headers);
    }

    private List<Header> headers(String text, long lineNumber) {
        if (text.isEmpty() || text.equals(nullMarker)) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(headersSeparator, start);
            String pair = text.substring(start, end < 0 ? text.length() : end);
            headers.add(header(pair, lineNumber));
            if (end < 0) {
                break;
            }
            start = end + headersSeparator.length();
        }
        return headers;
    }

    private Header header(String pair, long lineNumber) {
        int at = pair.indexOf(headersKeySeparator);
        if (at < 0) {
            if (ignoreError) {
                return new RecordHeader(pair, null);
            }
            throw new CliException("No header key separator found in pair '" + pair + "' on line number " + lineNumber);
        }
        String key = pair.substring(0, at);
        if (key.equals(nullMarker)) {
            throw new CliException("Header keys should not be equal to the null marker '" + nullMarker
                    + "' as they can't be null (line number " + lineNumber + ")");
        }
        return new RecordHeader(key, bytesOrNull(pair.substring(at + headersKeySeparator.length())));
    }

    private byte[] bytesOrNull(String s) {
        return s == null || s.equals(nullMarker) ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
