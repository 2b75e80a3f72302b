package dev.obol.grpc;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.obol.domain.error.PermissionDeniedException;
import dev.obol.domain.error.UnauthenticatedException;
import dev.obol.domain.usecase.Authenticator;
import dev.obol.domain.security.Caller;
import dev.obol.domain.security.Scope;
import dev.obol.domain.security.Secrets;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one interceptor of the {@code obol.v1} services, so the order of checks is fixed: credential, scope, account,
 * then the {@link InputGuardInterceptor}'s input checks, then the endpoint.
 *
 * <p>Every call to an {@code obol.v1} service needs {@code authorization: Bearer <secret>} of a key that holds the RPC's
 * scope ({@link RpcScopes}) and, for a key bound to an account, names that account. A refusal closes the call before
 * the endpoint runs, so nothing is written. Other services (health, reflection) stay open.
 *
 * <p>The verified caller is put in the call's {@link Context} ({@link CallerContext}) for the endpoint and for the
 * stores, which stamp its key id on what they write.
 */
public final class AuthInterceptor implements ServerInterceptor {

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String BEARER = "bearer ";
  private static final Pattern LOGGABLE_KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Logger AUDIT = LoggerFactory.getLogger("obol.audit");

  private final Authenticator authenticator;
  private final RateLimitedLog refusals;
  private final ServerInterceptor inputGuard = new InputGuardInterceptor();
  private final Consumer<String> refused;

  public AuthInterceptor(Authenticator authenticator) {
    this(authenticator, reason -> {});
  }

  /** @param refused hears the reason of each refusal (e.g. API_KEY_INVALID), for metrics; must not throw */
  public AuthInterceptor(Authenticator authenticator, Consumer<String> refused) {
    this(authenticator, new RateLimitedLog(LoggerFactory.getLogger("obol.auth"), 10, 10_000), refused);
  }

  AuthInterceptor(Authenticator authenticator, RateLimitedLog refusals) {
    this(authenticator, refusals, reason -> {});
  }

  AuthInterceptor(Authenticator authenticator, RateLimitedLog refusals, Consumer<String> refused) {
    this.authenticator = authenticator;
    this.refusals = refusals;
    this.refused = refused;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String service = call.getMethodDescriptor().getServiceName();
    if (service == null || !service.startsWith("obol.v1.")) {
      return next.startCall(call, headers);
    }
    String method = call.getMethodDescriptor().getFullMethodName();
    Caller caller;
    try {
      caller = authenticate(headers.get(AUTHORIZATION));
      // An RPC the table does not know needs admin: fail closed.
      Scope needed = RpcScopes.required(method).orElse(Scope.ADMIN);
      if (!caller.holds(needed)) {
        throw PermissionDeniedException.scopeMissing(needed.wireName());
      }
    } catch (UnauthenticatedException | PermissionDeniedException e) {
      refused.accept(e.reason());
      refusals.log(
          "refused {} on {} from {}: {}", e.reason(), method, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
          presentedKeyId(headers.get(AUTHORIZATION)));
      close(call, GrpcErrors.toStatus(e, ""));
      return new ServerCall.Listener<>() {};
    } catch (RuntimeException e) {
      // The key store failing (e.g. the database is down): the status says so, the caller may retry.
      close(call, GrpcErrors.toStatus(e, ""));
      return new ServerCall.Listener<>() {};
    }
    Context context = Context.current().withValue(CallerContext.CALLER, caller);
    // Only audited calls read the request's ids for their log line: the hot path (CheckAndDebit) skips it.
    RequestFacts facts = RpcScopes.isAudited(method) ? new RequestFacts() : null;
    ServerCall<ReqT, RespT> served = facts != null ? new AuditedCall<>(call, caller, facts) : call;
    // The input guard runs after authentication, so a caller without a key learns nothing about what input passes.
    ServerCall.Listener<ReqT> endpoint =
        Contexts.interceptCall(
            context, served, headers, (guarded, h) -> inputGuard.interceptCall(guarded, h, next));
    return new CheckedListener<>(endpoint, served, caller, method, facts, refused);
  }

  private Caller authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new UnauthenticatedException(
          "API_KEY_MISSING", "send the metadata 'authorization: Bearer <API key>'");
    }
    String secret = authorization.substring(BEARER.length()).trim();
    if (secret.isEmpty()) {
      throw new UnauthenticatedException(
          "API_KEY_MISSING", "send the metadata 'authorization: Bearer <API key>'");
    }
    return authenticator
        .authenticate(secret)
        .orElseThrow(
            () -> new UnauthenticatedException("API_KEY_INVALID", "the API key is unknown, revoked or expired"));
  }

  /** The key id a presented secret names, if it looks like one (it is not secret); never the secret. */
  private static String presentedKeyId(String authorization) {
    if (authorization == null) {
      return "no credential";
    }
    if (!authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return "not a Bearer credential";
    }
    String keyId = Secrets.keyIdOf(authorization.substring(BEARER.length()).trim());
    return keyId != null && LOGGABLE_KEY_ID.matcher(keyId).matches() ? "key " + keyId : "an unrecognised secret";
  }

  private static void close(ServerCall<?, ?> call, StatusRuntimeException error) {
    Metadata trailers = error.getTrailers();
    call.close(error.getStatus(), trailers == null ? new Metadata() : trailers);
  }

  /** What the audit line says about a request, read from its message. */
  private static final class RequestFacts {
    volatile String accountId = "";
    volatile String requestId = "";
  }

  /** Checks the request message (the bound key's account) before the endpoint sees it. */
  private static final class CheckedListener<ReqT, RespT>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {

    private final ServerCall<ReqT, RespT> call;
    private final Caller caller;
    private final String method;
    private final RequestFacts facts;
    private final Consumer<String> refusedFor;
    private boolean refused;

    CheckedListener(
        ServerCall.Listener<ReqT> endpoint,
        ServerCall<ReqT, RespT> call,
        Caller caller,
        String method,
        RequestFacts facts /* null: not audited */,
        Consumer<String> refusedFor) {
      super(endpoint);
      this.refusedFor = refusedFor;
      this.call = call;
      this.caller = caller;
      this.method = method;
      this.facts = facts;
    }

    @Override
    public void onMessage(ReqT request) {
      if (refused) {
        return;
      }
      if (request instanceof Message message) {
        if (facts != null) {
          facts.accountId = stringField(message, "account_id");
          facts.requestId = stringField(message, "request_id");
        }
        try {
          checkAccount(message);
        } catch (RuntimeException e) {
          refused = true;
          if (e instanceof PermissionDeniedException denied) {
            refusedFor.accept(denied.reason());
          }
          close(call, GrpcErrors.toStatus(e, ""));
          return;
        }
      }
      super.onMessage(request);
    }

    private void checkAccount(Message message) {
      if (!caller.isAccountBound()) {
        return;
      }
      FieldDescriptor field = message.getDescriptorForType().findFieldByName("account_id");
      if (field == null) {
        if (!RpcScopes.allowsBoundKeyWithoutAccount(method)) {
          throw PermissionDeniedException.accountNotAllowed();
        }
      } else if (!caller.accountId().value().equals(message.getField(field))) {
        throw PermissionDeniedException.accountNotAllowed();
      }
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    private static String stringField(Message message, String name) {
      FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
      return field != null && field.getJavaType() == FieldDescriptor.JavaType.STRING
          ? (String) message.getField(field)
          : "";
    }
  }

  /** One log line for each privileged action, with the key that did it and how it ended. */
  private static final class AuditedCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {

    private final Caller caller;
    private final RequestFacts facts;

    AuditedCall(ServerCall<ReqT, RespT> call, Caller caller, RequestFacts facts) {
      super(call);
      this.caller = caller;
      this.facts = facts;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      AUDIT.info(
          "{} by key {} account_id={} request_id={}: {}",
          getMethodDescriptor().getBareMethodName(),
          caller.keyId(),
          printable(facts.accountId),
          printable(facts.requestId),
          status.getCode());
      super.close(status, trailers);
    }

    /** Ids are validated before they are used, but the audit line is written for refused ones too. */
    private static String printable(String value) {
      String shown = value.length() > 128 ? value.substring(0, 128) + "…" : value;
      return shown.replaceAll("[\\p{C}\\p{Z}]", "?");
    }
  }
}
