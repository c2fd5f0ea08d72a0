package io.sluice.protocol;

import io.sluice.network.CloseConnectionException;
import io.sluice.network.ConnectionInfo;
import io.sluice.network.RequestProcessor;
import io.sluice.network.ResponseFrame;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.jboss.logging.Logger;

/**
 * Decodes a request frame, finds the API's handler, runs it on the request-handler threads and
 * encodes its answer. Frames that cannot be trusted (unknown API key, unsupported version, bytes
 * that do not parse) close the connection, as Kafka does; a handler failure becomes the API's own
 * error response.
 */
public final class RequestDispatcher implements RequestProcessor {
    private static final Logger LOG = Logger.getLogger(RequestDispatcher.class);

    private final HandlerRegistry registry;
    private final Executor requestHandlers;
    private final RequestMetrics metrics;

    public RequestDispatcher(HandlerRegistry registry, Executor requestHandlers, RequestMetrics metrics) {
        this.registry = registry;
        this.requestHandlers = requestHandlers;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<Optional<ResponseFrame>> process(ConnectionInfo connection, Buffer frame) {
        return CompletableFuture.supplyAsync(() -> frame.getByteBuf().nioBuffer(), requestHandlers)
                .thenCompose(buffer -> dispatch(connection, buffer));
    }

    private CompletableFuture<Optional<ResponseFrame>> dispatch(ConnectionInfo connection, ByteBuffer buffer) {
        short apiKeyId = buffer.getShort(0);
        short version = buffer.getShort(2);
        int correlationId = buffer.getInt(4);
        if (!ApiKeys.hasId(apiKeyId)) {
            throw new CloseConnectionException("unknown API key " + apiKeyId);
        }
        ApiKeys apiKey = ApiKeys.forId(apiKeyId);
        ApiHandler<?> handler = registry.handler(apiKey)
                .orElseThrow(() -> new CloseConnectionException("unsupported API " + apiKey));
        if (version < handler.minVersion() || version > handler.maxVersion()) {
            if (apiKey == ApiKeys.API_VERSIONS) {
                return CompletableFuture.completedFuture(Optional.of(unsupportedApiVersionsAnswer(correlationId)));
            }
            throw new CloseConnectionException("unsupported version " + version + " of " + apiKey
                    + " (supported " + handler.minVersion() + ".." + handler.maxVersion() + ")");
        }
        RequestHeader header;
        AbstractRequest request;
        try {
            header = RequestHeader.parse(buffer);
            request = AbstractRequest.parseRequest(apiKey, version, new ByteBufferAccessor(buffer)).request;
        } catch (RuntimeException e) {
            throw new CloseConnectionException("malformed " + apiKey + " v" + version + " request: " + e.getMessage());
        }
        RequestContext context = new RequestContext(header, connection);
        long startNanos = System.nanoTime();
        return invoke(handler, context, request)
                .exceptionally(error -> {
                    metrics.failed(apiKey);
                    return errorResponse(request, context, error);
                })
                .whenComplete((body, error) -> metrics.completed(apiKey, System.nanoTime() - startNanos))
                .thenApplyAsync(body -> body == null ? Optional.<ResponseFrame>empty()
                        : Optional.of(ResponseSerializer.serialize(correlationId,
                                apiKey.responseHeaderVersion(version), body, version, connection.zeroCopy())),
                        requestHandlers);
    }

    @SuppressWarnings("unchecked")
    private static <Q extends ApiMessage> CompletableFuture<ApiMessage> invoke(ApiHandler<Q> handler,
                                                                            RequestContext context,
                                                                            AbstractRequest request) {
        try {
            return (CompletableFuture<ApiMessage>) handler.handle(context, (Q) request.data());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static ApiMessage errorResponse(AbstractRequest request, RequestContext context, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof CloseConnectionException close) {
            throw close;
        }
        if (!(cause instanceof ApiException)) {
            LOG.errorf(cause, "Error handling %s from client %s (%s)", request.apiKey(), context.clientId(),
                    context.connection().peerAddress());
        }
        return request.getErrorResponse(0, cause).data();
    }

    /**
     * KIP-511: a client that speaks a newer ApiVersions than we do gets a v0 answer with
     * UNSUPPORTED_VERSION and our ranges, and retries with a version we support.
     */
    private ResponseFrame unsupportedApiVersionsAnswer(int correlationId) {
        ApiVersionsResponseData body = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                .setApiKeys(registry.apiVersions());
        return ResponseSerializer.serialize(correlationId, (short) 0, body, (short) 0, false);
    }
}
