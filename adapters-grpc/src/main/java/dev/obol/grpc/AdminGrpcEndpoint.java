package dev.obol.grpc;

import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.ApiKeyUseCases;
import dev.obol.domain.usecase.PaymentEventUseCases;
import dev.obol.domain.security.Caller;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateApiKeyResponse;
import dev.obol.proto.v1.ListApiKeysRequest;
import dev.obol.proto.v1.ListApiKeysResponse;
import dev.obol.proto.v1.ReprocessStripeEventRequest;
import dev.obol.proto.v1.ReprocessStripeEventResponse;
import dev.obol.proto.v1.RevokeApiKeyRequest;
import dev.obol.proto.v1.RevokeApiKeyResponse;
import io.grpc.stub.StreamObserver;

/** obol.v1.AdminService: maps, delegates to the use cases, maps back. */
public final class AdminGrpcEndpoint extends AdminServiceGrpc.AdminServiceImplBase {

  private final ApiKeyUseCases keys;
  private final PaymentEventUseCases events;

  public AdminGrpcEndpoint(ApiKeyUseCases keys, PaymentEventUseCases events) {
    this.keys = keys;
    this.events = events;
  }

  @Override
  public void createApiKey(CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> AdminProtoMapper.createResponse(keys.create(AdminProtoMapper.createCommand(request), caller())));
  }

  @Override
  public void listApiKeys(ListApiKeysRequest request, StreamObserver<ListApiKeysResponse> responses) {
    GrpcErrors.unary(
        "",
        responses,
        () -> AdminProtoMapper.listResponse(keys.list(request.getPageSize(), request.getPageToken())));
  }

  @Override
  public void revokeApiKey(RevokeApiKeyRequest request, StreamObserver<RevokeApiKeyResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () ->
            AdminProtoMapper.revokeResponse(
                keys.revoke(request.getKeyId(), RequestId.of(request.getRequestId()), caller())));
  }

  @Override
  public void reprocessStripeEvent(
      ReprocessStripeEventRequest request, StreamObserver<ReprocessStripeEventResponse> responses) {
    GrpcErrors.unary(
        "", responses, () -> AdminProtoMapper.reprocessResponse(events.reprocess(request.getEventId())));
  }

  /** Set by AuthInterceptor on every call that reaches an endpoint. */
  private static Caller caller() {
    Caller caller = CallerContext.current();
    if (caller == null) {
      throw new IllegalStateException("AdminService called without an authenticated caller");
    }
    return caller;
  }
}
