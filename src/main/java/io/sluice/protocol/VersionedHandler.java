package io.sluice.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** The version range part of a handler, declared once in its constructor. */
public abstract class VersionedHandler<Q extends ApiMessage> implements ApiHandler<Q> {
    private final ApiKeys apiKey;
    private final short minVersion;
    private final short maxVersion;

    protected VersionedHandler(ApiKeys apiKey, int minVersion, int maxVersion) {
        this.apiKey = apiKey;
        this.minVersion = (short) minVersion;
        this.maxVersion = (short) maxVersion;
    }

    @Override
    public final ApiKeys apiKey() {
        return apiKey;
    }

    @Override
    public final short minVersion() {
        return minVersion;
    }

    @Override
    public final short maxVersion() {
        return maxVersion;
    }
}
