package io.sluice.metadata.kraft;

import com.google.protobuf.ByteString;
import io.sluice.metadata.proto.ControllerRequestEnvelope;
import io.sluice.metadata.proto.ControllerResponseEnvelope;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Kafka request and response messages wrapped for forwarding over the quorum's connections. Both
 * ends run the same build, so the body is written at the API's latest version and read at the
 * version the envelope names.
 */
final class ControllerEnvelopes {
    private ControllerEnvelopes() {}

    static ControllerRequestEnvelope request(long correlationId, ApiKeys api, ApiMessage request) {
        short version = api.latestVersion();
        return ControllerRequestEnvelope.newBuilder().setCorrelationId(correlationId).setApiKey(api.id)
                .setApiVersion(version).setBody(serialize(request, version)).build();
    }

    static ApiKeys api(ControllerRequestEnvelope envelope) {
        return ApiKeys.forId(envelope.getApiKey());
    }

    static ApiMessage requestBody(ControllerRequestEnvelope envelope) {
        ApiMessage message = api(envelope).messageType.newRequest();
        read(message, envelope.getBody(), (short) envelope.getApiVersion());
        return message;
    }

    static ControllerResponseEnvelope response(ControllerRequestEnvelope request, ApiMessage response) {
        short version = (short) request.getApiVersion();
        return ControllerResponseEnvelope.newBuilder().setCorrelationId(request.getCorrelationId())
                .setApiVersion(version).setBody(serialize(response, version)).build();
    }

    /** The request failed as a whole: carried as Kafka's error code, so the sender sees the same exception type. */
    static ControllerResponseEnvelope failure(long correlationId, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Errors code = Errors.forException(cause);
        String message = cause.getMessage() == null ? code.message() : cause.getMessage();
        return ControllerResponseEnvelope.newBuilder().setCorrelationId(correlationId)
                .setErrorCode(code.code()).setErrorMessage(message).build();
    }

    /** The response message, or the exception the controller failed the request with. */
    static ApiMessage responseBody(ApiKeys api, ControllerResponseEnvelope envelope) {
        if (envelope.getErrorCode() != Errors.NONE.code()) {
            ApiException failure = Errors.forCode((short) envelope.getErrorCode()).exception(envelope.getErrorMessage());
            throw failure;
        }
        ApiMessage message = api.messageType.newResponse();
        read(message, envelope.getBody(), (short) envelope.getApiVersion());
        return message;
    }

    private static ByteString serialize(ApiMessage message, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(message.size(cache, version));
        message.write(new ByteBufferAccessor(buffer), cache, version);
        buffer.flip();
        return ByteString.copyFrom(buffer);
    }

    private static void read(ApiMessage message, ByteString body, short version) {
        message.read(new ByteBufferAccessor(body.asReadOnlyByteBuffer()), version);
    }
}
