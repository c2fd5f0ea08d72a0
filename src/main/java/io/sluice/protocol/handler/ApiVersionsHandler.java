package io.sluice.protocol.handler;

import io.sluice.protocol.ApiHandler;
import io.sluice.protocol.HandlerRegistry;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** ApiVersions: the version ranges of every registered handler, read from the registry itself. */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequestData> {
    private final HandlerRegistry registry;

    public ApiVersionsHandler(HandlerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public short minVersion() {
        return 0;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequestData request) {
        return CompletableFuture.completedFuture(new ApiVersionsResponseData().setApiKeys(registry.apiVersions()));
    }
}
