package io.sluice.protocol.handler;

import io.sluice.protocol.VersionedHandler;
import io.sluice.protocol.HandlerRegistry;
import io.sluice.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

/** ApiVersions: the version ranges of every registered handler, read from the registry itself. */
public final class ApiVersionsHandler extends VersionedHandler<ApiVersionsRequestData> {
    private final HandlerRegistry registry;

    public ApiVersionsHandler(HandlerRegistry registry) {
        super(ApiKeys.API_VERSIONS, 0, 4);
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ApiVersionsResponseData> handle(RequestContext context, ApiVersionsRequestData request) {
        return CompletableFuture.completedFuture(new ApiVersionsResponseData().setApiKeys(registry.apiVersions()));
    }
}
