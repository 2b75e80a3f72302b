package dev.obol.grpc;

import dev.obol.domain.security.Scope;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.AdminServiceGrpc;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The scope each RPC needs: the contract's table, in one place. An RPC missing here is refused to every key but
 * {@code admin} (fail closed), and a test walks every service's methods so a new RPC without a scope fails the build.
 */
public final class RpcScopes {

  private static final Map<String, Scope> REQUIRED = new HashMap<>();

  /**
   * RPCs that name no account but that an account-bound key may still call: they read the public price list, nothing
   * of any account. Every other RPC without an {@code account_id} acts across accounts and is refused to such a key.
   */
  private static final Set<String> ACCOUNTLESS_ALLOWED_FOR_BOUND_KEYS =
      Set.of(
          WalletServiceGrpc.getListFeaturesMethod().getFullMethodName(),
          AccountServiceGrpc.getListCatalogMethod().getFullMethodName());

  static {
    require(WalletServiceGrpc.getCheckMethod(), Scope.WALLET_READ);
    require(WalletServiceGrpc.getGetBalanceMethod(), Scope.WALLET_READ);
    require(WalletServiceGrpc.getListLedgerEntriesMethod(), Scope.WALLET_READ);
    require(WalletServiceGrpc.getListFeaturesMethod(), Scope.WALLET_READ);
    require(WalletServiceGrpc.getGetUsageSummaryMethod(), Scope.WALLET_READ);
    require(WalletServiceGrpc.getCheckAndDebitMethod(), Scope.WALLET_DEBIT);
    require(WalletServiceGrpc.getReverseDebitMethod(), Scope.WALLET_DEBIT);
    require(WalletServiceGrpc.getReserveMethod(), Scope.WALLET_DEBIT);
    require(WalletServiceGrpc.getCaptureReservationMethod(), Scope.WALLET_DEBIT);
    require(WalletServiceGrpc.getReleaseReservationMethod(), Scope.WALLET_DEBIT);
    require(WalletServiceGrpc.getGrantMethod(), Scope.WALLET_GRANT);
    require(AccountServiceGrpc.getGetStandingMethod(), Scope.ACCOUNT_READ);
    require(AccountServiceGrpc.getListCatalogMethod(), Scope.ACCOUNT_READ);
    require(AccountServiceGrpc.getSetSeatCountMethod(), Scope.ACCOUNT_WRITE);
    require(AccountServiceGrpc.getCreateCheckoutSessionMethod(), Scope.ACCOUNT_WRITE);
    require(AccountServiceGrpc.getSetAutoRechargeMethod(), Scope.ACCOUNT_WRITE);
    require(AccountServiceGrpc.getGetAutoRechargeMethod(), Scope.ACCOUNT_READ);
    require(AccountServiceGrpc.getSuspendAccountMethod(), Scope.ACCOUNT_OPERATE);
    require(AccountServiceGrpc.getReinstateAccountMethod(), Scope.ACCOUNT_OPERATE);
    require(AccountServiceGrpc.getListAccountsMethod(), Scope.ACCOUNT_OPERATE);
    require(AccountServiceGrpc.getGetSalesSummaryMethod(), Scope.ACCOUNT_OPERATE);
    require(AccountServiceGrpc.getRunMonthlyChargesMethod(), Scope.CHARGES_RUN);
    require(AdminServiceGrpc.getCreateApiKeyMethod(), Scope.KEYS_MANAGE);
    require(AdminServiceGrpc.getListApiKeysMethod(), Scope.KEYS_MANAGE);
    require(AdminServiceGrpc.getRevokeApiKeyMethod(), Scope.KEYS_MANAGE);
    require(AdminServiceGrpc.getReprocessStripeEventMethod(), Scope.ADMIN);
  }

  /**
   * Privileged actions: each one that succeeds is logged with the key that did it (grants, suspensions,
   * reinstatements, charge runs, key creation and revocation, event reprocessing).
   */
  private static final Set<String> AUDITED =
      Set.of(
          WalletServiceGrpc.getGrantMethod().getFullMethodName(),
          AccountServiceGrpc.getSuspendAccountMethod().getFullMethodName(),
          AccountServiceGrpc.getReinstateAccountMethod().getFullMethodName(),
          AccountServiceGrpc.getRunMonthlyChargesMethod().getFullMethodName(),
          AdminServiceGrpc.getCreateApiKeyMethod().getFullMethodName(),
          AdminServiceGrpc.getRevokeApiKeyMethod().getFullMethodName(),
          AdminServiceGrpc.getReprocessStripeEventMethod().getFullMethodName());

  private RpcScopes() {}

  private static void require(MethodDescriptor<?, ?> method, Scope scope) {
    REQUIRED.put(method.getFullMethodName(), scope);
  }

  /** Empty for an RPC the table does not know. */
  public static Optional<Scope> required(String fullMethodName) {
    return Optional.ofNullable(REQUIRED.get(fullMethodName));
  }

  static boolean allowsBoundKeyWithoutAccount(String fullMethodName) {
    return ACCOUNTLESS_ALLOWED_FOR_BOUND_KEYS.contains(fullMethodName);
  }

  static boolean isAudited(String fullMethodName) {
    return AUDITED.contains(fullMethodName);
  }
}
