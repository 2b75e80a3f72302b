package dev.obol.grpc;

import com.google.protobuf.Timestamp;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.FeaturePrice;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.CheckOutcome;
import dev.obol.domain.usecase.CheckQuery;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.usecase.LedgerPage;
import dev.obol.domain.usecase.LedgerQuery;
import dev.obol.domain.usecase.ReversalReceipt;
import dev.obol.domain.usecase.ReverseDebitCommand;
import dev.obol.domain.usecase.WalletView;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CheckResponse;
import dev.obol.proto.v1.GetBalanceResponse;
import dev.obol.proto.v1.GrantInfo;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListFeaturesResponse;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ListLedgerEntriesResponse;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.ReverseDebitResponse;
import dev.obol.proto.v1.WalletBalance;
import java.time.Instant;
import java.util.List;

/** Proto messages to domain commands and back. Enum values this server does not know are bad input. */
public final class WalletProtoMapper {

  private WalletProtoMapper() {}

  // ---- requests --------------------------------------------------------------------------------------------------

  public static DebitCommand debitCommand(CheckAndDebitRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    Pricing pricing =
        pricing(request.getFeature(), request.getQuantity(), request.getAssetValue(), request.getAmount());
    RequestId requestId = RequestId.of(request.getRequestId());
    return new DebitCommand(accountId, pricing, requestId, request.getMetadataMap());
  }

  public static CheckQuery checkQuery(CheckRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    return new CheckQuery(
        accountId, pricing(request.getFeature(), request.getQuantity(), request.getAssetValue(), request.getAmount()));
  }

  public static GrantCommand grantCommand(GrantRequest request) {
    return new GrantCommand(
        AccountId.of(request.getAccountId()),
        requiredAsset(request.getAssetValue()),
        request.getAmount(),
        source(request.getSourceValue()),
        request.hasPriority() ? request.getPriority() : null,
        request.hasExpiresAt() ? instant(request.getExpiresAt(), "expires_at") : null,
        request.getReference(),
        request.getReason(),
        RequestId.of(request.getRequestId()));
  }

  public static ReverseDebitCommand reverseCommand(ReverseDebitRequest request) {
    return new ReverseDebitCommand(
        AccountId.of(request.getAccountId()),
        request.getDebitId(),
        request.getAmount(),
        request.getReason(),
        RequestId.of(request.getRequestId()));
  }

  public static LedgerQuery ledgerQuery(ListLedgerEntriesRequest request) {
    return new LedgerQuery(
        AccountId.of(request.getAccountId()),
        optionalAsset(request.getAssetValue()),
        request.getFeature(),
        request.getPageSize(),
        request.getPageToken());
  }

  static Pricing pricing(String feature, long quantity, int assetValue, long amount) {
    return Pricing.of(feature, quantity, optionalAsset(assetValue), amount);
  }

  /** UNSPECIFIED (0) means "not given". */
  public static Asset optionalAsset(int value) {
    return switch (value) {
      case 0 -> null;
      case dev.obol.proto.v1.Asset.ASSET_TOKEN_VALUE -> Asset.TOKEN;
      case dev.obol.proto.v1.Asset.ASSET_EUR_VALUE -> Asset.EUR;
      default -> throw GrpcErrors.invalid("asset", "UNKNOWN_ENUM_VALUE", "asset " + value + " is not a known asset");
    };
  }

  static Asset requiredAsset(int value) {
    Asset asset = optionalAsset(value);
    if (asset == null) {
      throw GrpcErrors.invalid("asset", "MISSING_FIELD", "asset is required");
    }
    return asset;
  }

  static GrantSource source(int value) {
    return switch (value) {
      case 0 -> throw GrpcErrors.invalid("source", "MISSING_FIELD", "source is required");
      case dev.obol.proto.v1.GrantSource.GRANT_SOURCE_PURCHASE_VALUE -> GrantSource.PURCHASE;
      case dev.obol.proto.v1.GrantSource.GRANT_SOURCE_SUBSCRIPTION_QUOTA_VALUE -> GrantSource.SUBSCRIPTION_QUOTA;
      case dev.obol.proto.v1.GrantSource.GRANT_SOURCE_TOP_UP_VALUE -> GrantSource.TOP_UP;
      case dev.obol.proto.v1.GrantSource.GRANT_SOURCE_PROMO_VALUE -> GrantSource.PROMO;
      case dev.obol.proto.v1.GrantSource.GRANT_SOURCE_ADJUSTMENT_VALUE -> GrantSource.ADJUSTMENT;
      default -> throw GrpcErrors.invalid("source", "UNKNOWN_ENUM_VALUE", "source " + value + " is not a known source");
    };
  }

  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the range google.protobuf.Timestamp defines. */
  static final long TIMESTAMP_SECONDS_MIN = -62_135_596_800L;

  static final long TIMESTAMP_SECONDS_MAX = 253_402_300_799L;
  static final int TIMESTAMP_NANOS_MAX = 999_999_999;

  /**
   * The one conversion of a request's {@code google.protobuf.Timestamp}. Nanos outside 0..999,999,999 or seconds
   * outside the Timestamp's range are bad input: {@link Instant#ofEpochSecond(long, long)} would silently carry the
   * nanos into the seconds, so a client's bug would become a different instant.
   */
  public static Instant instant(Timestamp timestamp, String field) {
    long seconds = timestamp.getSeconds();
    int nanos = timestamp.getNanos();
    if (nanos < 0 || nanos > TIMESTAMP_NANOS_MAX || seconds < TIMESTAMP_SECONDS_MIN || seconds > TIMESTAMP_SECONDS_MAX) {
      throw GrpcErrors.invalid(
          field,
          "INVALID_TIMESTAMP",
          field
              + " must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z, with nanos 0.."
              + TIMESTAMP_NANOS_MAX);
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  // ---- responses -------------------------------------------------------------------------------------------------

  public static CheckAndDebitResponse debitResponse(DebitOutcome outcome) {
    CheckAndDebitResponse.Builder response =
        CheckAndDebitResponse.newBuilder().setBalance(outcome.balance()).setLowBalance(outcome.lowBalance());
    if (outcome instanceof DebitOutcome.Debited debited) {
      return response.setAllowed(true).setDebitId(debited.debitId()).setDebited(debited.debited()).build();
    }
    DebitOutcome.Denied denied = (DebitOutcome.Denied) outcome;
    return response.setAllowed(false).setDenialReason(denialReason(denied.reason())).build();
  }

  public static CheckResponse checkResponse(CheckOutcome outcome) {
    CheckResponse.Builder response =
        CheckResponse.newBuilder()
            .setAllowed(outcome.allowed())
            .setCost(outcome.cost())
            .setBalance(outcome.balance())
            .setLowBalance(outcome.lowBalance());
    if (outcome.denialReason() != null) {
      response.setDenialReason(denialReason(outcome.denialReason()));
    }
    return response.build();
  }

  public static GrantResponse grantResponse(GrantReceipt receipt) {
    return GrantResponse.newBuilder().setGrantId(receipt.grantId()).setBalance(receipt.balance()).build();
  }

  public static ReverseDebitResponse reverseResponse(ReversalReceipt receipt) {
    return ReverseDebitResponse.newBuilder().setReversed(receipt.reversed()).setBalance(receipt.balance()).build();
  }

  public static GetBalanceResponse balanceResponse(List<WalletView> wallets) {
    GetBalanceResponse.Builder response = GetBalanceResponse.newBuilder();
    for (WalletView wallet : wallets) {
      WalletBalance.Builder balance =
          WalletBalance.newBuilder()
              .setAsset(asset(wallet.asset()))
              .setBalance(wallet.balance())
              .setHeld(wallet.held())
              .setLowBalance(wallet.lowBalance());
      for (Grant grant : wallet.grants()) {
        balance.addGrants(grantInfo(grant));
      }
      response.addWallets(balance);
    }
    return response.build();
  }

  /** A debit's entries, its captures' and its reversals' carry the debit id as their operation id. */
  static String debitId(dev.obol.domain.model.LedgerEntry entry) {
    return switch (entry.kind()) {
      case DEBIT, CAPTURE, REVERSAL -> entry.operationId() == null ? "" : entry.operationId();
      default -> "";
    };
  }

  static GrantInfo grantInfo(Grant grant) {
    GrantInfo.Builder info =
        GrantInfo.newBuilder()
            .setGrantId(grant.grantId())
            .setSource(source(grant.source()))
            .setAmount(grant.amount())
            .setRemaining(grant.remaining())
            .setHeld(grant.held())
            .setPriority(grant.priority());
    if (grant.expiresAt() != null) {
      info.setExpiresAt(timestamp(grant.expiresAt()));
    }
    if (grant.reference() != null) {
      info.setReference(grant.reference());
    }
    return info.build();
  }

  public static ListLedgerEntriesResponse ledgerResponse(LedgerPage page) {
    ListLedgerEntriesResponse.Builder response =
        ListLedgerEntriesResponse.newBuilder().setNextPageToken(page.nextPageToken());
    for (RecordedEntry recorded : page.entries()) {
      dev.obol.domain.model.LedgerEntry entry = recorded.entry();
      LedgerEntry.Builder proto =
          LedgerEntry.newBuilder()
              .setEntryId(Long.toString(recorded.entryId()))
              .setAsset(asset(entry.asset()))
              .setGrantId(entry.grantId())
              .setKind(kind(entry.kind()))
              .setAmount(entry.amount())
              .setBalanceAfter(entry.balanceAfter())
              .setHeldChange(entry.heldChange())
              .setDebitId(debitId(entry))
              .setCreatedAt(timestamp(entry.createdAt()));
      if (entry.feature() != null) {
        proto.setFeature(entry.feature());
      }
      if (entry.reason() != null) {
        proto.setReason(entry.reason());
      }
      if (entry.requestId() != null) {
        proto.setRequestId(entry.requestId());
      }
      if (recorded.keyId() != null) {
        proto.setKeyId(recorded.keyId());
      }
      response.addEntries(proto);
    }
    return response.build();
  }

  public static ListFeaturesResponse featuresResponse(List<FeaturePrice> features) {
    ListFeaturesResponse.Builder response = ListFeaturesResponse.newBuilder();
    for (FeaturePrice price : features) {
      response.addFeatures(featurePrice(price));
    }
    return response.build();
  }

  public static dev.obol.proto.v1.FeaturePrice featurePrice(FeaturePrice price) {
    return dev.obol.proto.v1.FeaturePrice.newBuilder()
        .setFeature(price.feature())
        .setAsset(asset(price.asset()))
        .setCost(price.cost())
        .build();
  }

  public static dev.obol.proto.v1.Asset asset(Asset asset) {
    return switch (asset) {
      case TOKEN -> dev.obol.proto.v1.Asset.ASSET_TOKEN;
      case EUR -> dev.obol.proto.v1.Asset.ASSET_EUR;
    };
  }

  static dev.obol.proto.v1.GrantSource source(GrantSource source) {
    return dev.obol.proto.v1.GrantSource.valueOf("GRANT_SOURCE_" + source.name());
  }

  static dev.obol.proto.v1.EntryKind kind(EntryKind kind) {
    return dev.obol.proto.v1.EntryKind.valueOf("ENTRY_KIND_" + kind.name());
  }

  static dev.obol.proto.v1.DenialReason denialReason(DenialReason reason) {
    return dev.obol.proto.v1.DenialReason.valueOf("DENIAL_REASON_" + reason.name());
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
