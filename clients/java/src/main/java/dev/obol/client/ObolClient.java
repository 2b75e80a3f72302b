package dev.obol.client;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AccountServiceGrpc.AccountServiceBlockingStub;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.ListAccountsResponse;
import dev.obol.proto.v1.ListAccountsRequest;
import dev.obol.proto.v1.GetUsageSummaryResponse;
import dev.obol.proto.v1.GetSalesSummaryRequest;
import dev.obol.proto.v1.GetSalesSummaryResponse;
import dev.obol.proto.v1.ReserveRequest;
import dev.obol.proto.v1.ReserveResponse;
import dev.obol.proto.v1.CaptureReservationRequest;
import dev.obol.proto.v1.CaptureReservationResponse;
import dev.obol.proto.v1.ReleaseReservationRequest;
import dev.obol.proto.v1.ReleaseReservationResponse;
import dev.obol.proto.v1.GetUsageSummaryRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CheckResponse;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateApiKeyResponse;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.CreateCheckoutSessionResponse;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GetBalanceResponse;
import dev.obol.proto.v1.GetStandingRequest;
import dev.obol.proto.v1.GetStandingResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.ListApiKeysRequest;
import dev.obol.proto.v1.ListApiKeysResponse;
import dev.obol.proto.v1.ListCatalogRequest;
import dev.obol.proto.v1.ListCatalogResponse;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ListFeaturesResponse;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ListLedgerEntriesResponse;
import dev.obol.proto.v1.ReinstateAccountRequest;
import dev.obol.proto.v1.ReinstateAccountResponse;
import dev.obol.proto.v1.ReprocessStripeEventRequest;
import dev.obol.proto.v1.ReprocessStripeEventResponse;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.ReverseDebitResponse;
import dev.obol.proto.v1.RevokeApiKeyRequest;
import dev.obol.proto.v1.RevokeApiKeyResponse;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.RunMonthlyChargesResponse;
import dev.obol.proto.v1.GetAutoRechargeRequest;
import dev.obol.proto.v1.GetAutoRechargeResponse;
import dev.obol.proto.v1.SetAutoRechargeRequest;
import dev.obol.proto.v1.SetAutoRechargeResponse;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SetSeatCountResponse;
import dev.obol.proto.v1.SuspendAccountRequest;
import dev.obol.proto.v1.SuspendAccountResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import dev.obol.proto.v1.WalletServiceGrpc.WalletServiceBlockingStub;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A client of Obol's {@code obol.v1} WalletService, AccountService and AdminService: the generated request and response
 * messages, plus what every caller would otherwise write by hand.
 *
 * <ul>
 *   <li>The API key goes on every call as {@code authorization: Bearer <key>}.
 *   <li>Every call has a deadline ({@link Builder#deadline}, 5 s by default) that bounds it as a whole, retries
 *       included, so a caller's latency budget holds.
 *   <li>{@code UNAVAILABLE} (no connection, a server restarting) is retried with the same request, and so the same
 *       {@code request_id}: every Obol write is idempotent by request_id, so a retry of a write that did land returns
 *       the first answer and writes nothing twice. Attempts are bounded ({@link Builder#maxAttempts}, 3) and spaced by
 *       a jittered exponential backoff. No other code is retried: the answer would be the same.
 *   <li>A request sent without a {@code request_id} gets a random one, once, before the first attempt, so the client's
 *       own retries are safe. Set your own to make <em>your</em> retries (after a crash, from a queue) safe too.
 *   <li>Every failure is an {@link ObolException} with the gRPC code and the ErrorInfo reason, field and metadata.
 *       A denial (insufficient balance, suspended account) is a normal response with {@code allowed = false}.
 * </ul>
 *
 * <p>Immutable and thread-safe: share one per process. Closing it closes the channel it built.
 */
public final class ObolClient implements AutoCloseable {

  /** The header AuthInterceptor reads: {@code authorization: Bearer <key>}. */
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

  private final ManagedChannel ownedChannel; // null when the caller brought the channel, or for a withDeadline view
  private final WalletServiceBlockingStub wallet;
  private final AccountServiceBlockingStub accounts;
  private final AdminServiceBlockingStub admin;
  private final Duration deadline;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private ObolClient(Builder builder, ManagedChannel ownedChannel, Channel channel) {
    this.ownedChannel = ownedChannel;
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + builder.apiKey);
    Channel authenticated = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    this.wallet = WalletServiceGrpc.newBlockingStub(authenticated);
    this.accounts = AccountServiceGrpc.newBlockingStub(authenticated);
    this.admin = AdminServiceGrpc.newBlockingStub(authenticated);
    this.deadline = builder.deadline;
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
  }

  private ObolClient(ObolClient base, Duration deadline) {
    this.ownedChannel = null;
    this.wallet = base.wallet;
    this.accounts = base.accounts;
    this.admin = base.admin;
    this.deadline = deadline;
    this.maxAttempts = base.maxAttempts;
    this.initialBackoff = base.initialBackoff;
    this.maxBackoff = base.maxBackoff;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The same client with another deadline, e.g. for RunMonthlyCharges, which may take longer than a debit. It shares
   * this client's channel: close this one, not the view (closing the view does nothing).
   */
  public ObolClient withDeadline(Duration deadline) {
    return new ObolClient(this, positive(deadline, "deadline"));
  }

  // ---- WalletService ---------------------------------------------------------------------------------------------

  /** Debits when the account is active and the balance covers it; else {@code allowed = false} and a reason. */
  public CheckAndDebitResponse checkAndDebit(CheckAndDebitRequest request) {
    return call(wallet, WalletServiceBlockingStub::checkAndDebit, request);
  }

  /** CheckAndDebit's question without the debit. */
  public CheckResponse check(CheckRequest request) {
    return call(wallet, WalletServiceBlockingStub::check, request);
  }

  public GrantResponse grant(GrantRequest request) {
    return call(wallet, WalletServiceBlockingStub::grant, request);
  }

  public ReverseDebitResponse reverseDebit(ReverseDebitRequest request) {
    return call(wallet, WalletServiceBlockingStub::reverseDebit, request);
  }

  public GetBalanceResponse getBalance(GetBalanceRequest request) {
    return call(wallet, WalletServiceBlockingStub::getBalance, request);
  }

  public ListLedgerEntriesResponse listLedgerEntries(ListLedgerEntriesRequest request) {
    return call(wallet, WalletServiceBlockingStub::listLedgerEntries, request);
  }

  public ListFeaturesResponse listFeatures() {
    return call(wallet, WalletServiceBlockingStub::listFeatures, ListFeaturesRequest.getDefaultInstance());
  }

  /** Usage of one wallet in a time window, grouped by feature, day or month, with its totals. */
  public GetUsageSummaryResponse getUsageSummary(GetUsageSummaryRequest request) {
    return call(wallet, WalletServiceBlockingStub::getUsageSummary, request);
  }

  /** Holds credit for work whose cost is known only afterwards; capture or release it by its reservation id. */
  public ReserveResponse reserve(ReserveRequest request) {
    return call(wallet, WalletServiceBlockingStub::reserve, request);
  }

  public CaptureReservationResponse captureReservation(CaptureReservationRequest request) {
    return call(wallet, WalletServiceBlockingStub::captureReservation, request);
  }

  public ReleaseReservationResponse releaseReservation(ReleaseReservationRequest request) {
    return call(wallet, WalletServiceBlockingStub::releaseReservation, request);
  }

  // ---- AccountService --------------------------------------------------------------------------------------------

  public ListCatalogResponse listCatalog() {
    return call(accounts, AccountServiceBlockingStub::listCatalog, ListCatalogRequest.getDefaultInstance());
  }

  public CreateCheckoutSessionResponse createCheckoutSession(CreateCheckoutSessionRequest request) {
    return call(accounts, AccountServiceBlockingStub::createCheckoutSession, request);
  }

  public SetSeatCountResponse setSeatCount(SetSeatCountRequest request) {
    return call(accounts, AccountServiceBlockingStub::setSeatCount, request);
  }

  public GetStandingResponse getStanding(GetStandingRequest request) {
    return call(accounts, AccountServiceBlockingStub::getStanding, request);
  }

  public SuspendAccountResponse suspendAccount(SuspendAccountRequest request) {
    return call(accounts, AccountServiceBlockingStub::suspendAccount, request);
  }

  public ReinstateAccountResponse reinstateAccount(ReinstateAccountRequest request) {
    return call(accounts, AccountServiceBlockingStub::reinstateAccount, request);
  }

  public RunMonthlyChargesResponse runMonthlyCharges(RunMonthlyChargesRequest request) {
    return call(accounts, AccountServiceBlockingStub::runMonthlyCharges, request);
  }

  /** Turns a wallet's auto-recharge on, off or changes it (scope account:write); idempotent by request_id. */
  public SetAutoRechargeResponse setAutoRecharge(SetAutoRechargeRequest request) {
    return call(accounts, AccountServiceBlockingStub::setAutoRecharge, request);
  }

  /** A wallet's auto-recharge settings and state: this month's count, failures in a row, why it was disabled. */
  public GetAutoRechargeResponse getAutoRecharge(GetAutoRechargeRequest request) {
    return call(accounts, AccountServiceBlockingStub::getAutoRecharge, request);
  }

  /** Accounts with their standing, filtered (status, months remaining, low balance) and paged. */
  public ListAccountsResponse listAccounts(ListAccountsRequest request) {
    return call(accounts, AccountServiceBlockingStub::listAccounts, request);
  }

  /** Operators' sales per UTC day or month of a window (scope account:operate). */
  public GetSalesSummaryResponse getSalesSummary(GetSalesSummaryRequest request) {
    return call(accounts, AccountServiceBlockingStub::getSalesSummary, request);
  }

  // ---- AdminService ----------------------------------------------------------------------------------------------

  /** The response's {@code secret} is shown once; Obol keeps only its hash. */
  public CreateApiKeyResponse createApiKey(CreateApiKeyRequest request) {
    return call(admin, AdminServiceBlockingStub::createApiKey, request);
  }

  public ListApiKeysResponse listApiKeys(ListApiKeysRequest request) {
    return call(admin, AdminServiceBlockingStub::listApiKeys, request);
  }

  public RevokeApiKeyResponse revokeApiKey(RevokeApiKeyRequest request) {
    return call(admin, AdminServiceBlockingStub::revokeApiKey, request);
  }

  public ReprocessStripeEventResponse reprocessStripeEvent(ReprocessStripeEventRequest request) {
    return call(admin, AdminServiceBlockingStub::reprocessStripeEvent, request);
  }

  // ---- the one call path -----------------------------------------------------------------------------------------

  /** One unary RPC: request id, deadline, UNAVAILABLE retries, and the failure as an {@link ObolException}. */
  private <S extends AbstractStub<S>, Q extends Message, R> R call(S stub, BiFunction<S, Q, R> rpc, Q request) {
    Q sent = withRequestId(Objects.requireNonNull(request, "request"));
    Deadline callDeadline = Deadline.after(deadline.toNanos(), TimeUnit.NANOSECONDS);
    long backoffNanos = initialBackoff.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        return rpc.apply(stub.withDeadline(callDeadline), sent);
      } catch (StatusRuntimeException e) {
        long pause = backoffNanos / 2 + ThreadLocalRandom.current().nextLong(backoffNanos / 2 + 1);
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE
            || attempt >= maxAttempts
            || callDeadline.timeRemaining(TimeUnit.NANOSECONDS) <= pause) {
          throw ObolException.from(e);
        }
        pauseBeforeRetry(pause, e);
        backoffNanos = Math.min(backoffNanos * 2, maxBackoff.toNanos());
      }
    }
  }

  /** The request, with a random request_id if it has that field and it is empty; the same object otherwise. */
  @SuppressWarnings("unchecked")
  private static <Q extends Message> Q withRequestId(Q request) {
    FieldDescriptor field = request.getDescriptorForType().findFieldByName("request_id");
    if (field == null || field.getJavaType() != FieldDescriptor.JavaType.STRING || field.isRepeated()
        || !((String) request.getField(field)).isEmpty()) {
      return request;
    }
    return (Q) request.toBuilder().setField(field, UUID.randomUUID().toString()).build();
  }

  private static void pauseBeforeRetry(long nanos, StatusRuntimeException last) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      ObolException cancelled = ObolException.from(
          Status.CANCELLED.withDescription("interrupted while waiting to retry").withCause(last).asRuntimeException());
      cancelled.addSuppressed(last);
      throw cancelled;
    }
  }

  /** Closes the channel this client built (waiting up to 5 s for calls in flight); a no-op for a brought channel. */
  @Override
  public void close() {
    if (ownedChannel == null) {
      return;
    }
    ownedChannel.shutdown();
    try {
      if (!ownedChannel.awaitTermination(5, TimeUnit.SECONDS)) {
        ownedChannel.shutdownNow();
      }
    } catch (InterruptedException e) {
      ownedChannel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private static Duration positive(Duration value, String name) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
    return value;
  }

  /**
   * Where and how to connect. {@link #target} and {@link #apiKey} are required.
   *
   * <p>Transport security: plaintext for a loopback target ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}), as
   * Obol listens out of the box; TLS with the system's trusted roots for any other host, since the API key travels in
   * every call. {@link #tls(Path)} trusts your own CA (Obol's {@code OBOL_GRPC_TLS_*} certificate); {@link #plaintext()}
   * forces plaintext, e.g. inside a service mesh that already encrypts.
   */
  public static final class Builder {

    private enum Security { AUTO, PLAINTEXT, TLS }

    private String target;
    private Channel channel;
    private String apiKey;
    private Duration deadline = Duration.ofSeconds(5);
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private Security security = Security.AUTO;
    private Path trustCertPem;

    private Builder() {}

    /** A gRPC target: {@code host:port} ({@code localhost:50051}) or a URI ({@code dns:///obol.internal:443}). */
    public Builder target(String target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * A channel of your own instead of a {@link #target} (interceptors, load balancing, in-process tests). The client
     * adds the API key to it and never closes it.
     */
    public Builder channel(Channel channel) {
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /** The secret of an Obol API key ({@code obol_…}), sent as {@code authorization: Bearer <key>}. */
    public Builder apiKey(String apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey").strip();
      return this;
    }

    /** How long one call may take in all, retries included; 5 s by default. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /** Attempts per call, the first included, when the server is UNAVAILABLE; 3 by default, 1 turns retries off. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The pause before the first retry (100 ms), doubled for each next one up to {@code max} (2 s); jittered. */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max backoff " + max + " is below the initial " + initial);
      }
      return this;
    }

    /** TLS, trusting the system's roots (the default for a target that is not loopback). */
    public Builder tls() {
      this.security = Security.TLS;
      this.trustCertPem = null;
      return this;
    }

    /** TLS, trusting the CA certificates (or the self-signed server certificate) in this PEM file. */
    public Builder tls(Path trustCertPem) {
      this.security = Security.TLS;
      this.trustCertPem = Objects.requireNonNull(trustCertPem, "trustCertPem");
      return this;
    }

    /** No TLS, whatever the target: the API key travels in clear text. */
    public Builder plaintext() {
      this.security = Security.PLAINTEXT;
      this.trustCertPem = null;
      return this;
    }

    public ObolClient build() {
      if (apiKey == null || apiKey.isEmpty()) {
        throw new IllegalStateException("apiKey is required (an Obol API key, e.g. from OBOL_DATA_DIR/admin-key)");
      }
      if ((target == null) == (channel == null)) {
        throw new IllegalStateException("set exactly one of target and channel");
      }
      if (channel != null) {
        return new ObolClient(this, null, channel);
      }
      ManagedChannel built =
          Grpc.newChannelBuilder(target, credentials()).userAgent("obol-client-java").build();
      return new ObolClient(this, built, built);
    }

    private ChannelCredentials credentials() {
      boolean tls = security == Security.TLS || (security == Security.AUTO && !isLoopback(target));
      if (!tls) {
        return InsecureChannelCredentials.create();
      }
      if (trustCertPem == null) {
        return TlsChannelCredentials.create();
      }
      try {
        return TlsChannelCredentials.newBuilder().trustManager(trustCertPem.toFile()).build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the trusted certificates in " + trustCertPem, e);
      }
    }

    /** Whether the target's host is loopback: {@code localhost:50051}, {@code dns:///127.0.0.1:50051}, {@code [::1]:1}. */
    static boolean isLoopback(String target) {
      String authority = target.contains(":///") ? target.substring(target.indexOf(":///") + 4) : target;
      String host;
      if (authority.startsWith("[")) {
        int end = authority.indexOf(']');
        host = end < 0 ? authority : authority.substring(0, end + 1);
      } else {
        int colon = authority.lastIndexOf(':');
        host = colon < 0 ? authority : authority.substring(0, colon);
      }
      return LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public String toString() {
    return "ObolClient{deadline=" + deadline + ", maxAttempts=" + maxAttempts + "}";
  }
}
