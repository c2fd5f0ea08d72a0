package io.sluice.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code k=v} option values ({@code --config}, {@code --property}) into an ordered map. */
final class KeyValues {
    private KeyValues() {}

    static Map<String, String> parse(List<String> entries, String optionName) {
        Map<String, String> result = new LinkedHashMap<>();
        if (entries == null) {
            return result;
        }
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new CliException("Invalid " + optionName + " '" + entry + "': expected key=value");
            }
            result.put(entry.substring(0, eq).trim(), entry.substring(eq + 1));
        }
        return result;
    }
}
