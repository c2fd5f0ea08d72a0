package io.sluice.protocol;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/** Maps each API key to the one handler that serves it, and derives the advertised version ranges from them. */
public final class HandlerRegistry {
    private final Map<ApiKeys, ApiHandler<?>> handlers = new EnumMap<>(ApiKeys.class);

    public HandlerRegistry register(ApiHandler<?> handler) {
        ApiKeys key = handler.apiKey();
        if (handler.minVersion() < key.oldestVersion() || handler.maxVersion() > key.latestVersion(true)) {
            throw new IllegalArgumentException(key + " handler declares versions " + handler.minVersion() + ".."
                    + handler.maxVersion() + " outside what the protocol library knows (" + key.oldestVersion() + ".."
                    + key.latestVersion(true) + ")");
        }
        if (handlers.putIfAbsent(key, handler) != null) {
            throw new IllegalArgumentException("two handlers for " + key);
        }
        return this;
    }

    public Optional<ApiHandler<?>> handler(ApiKeys key) {
        return Optional.ofNullable(handlers.get(key));
    }

    public Collection<ApiHandler<?>> handlers() {
        return handlers.values();
    }

    /** The ApiVersions entries: exactly the registered handlers' ranges. */
    public ApiVersionCollection apiVersions() {
        ApiVersionCollection versions = new ApiVersionCollection();
        handlers.values().forEach(h -> versions.add(new ApiVersion()
                .setApiKey(h.apiKey().id).setMinVersion(h.minVersion()).setMaxVersion(h.maxVersion())));
        return versions;
    }
}
