package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.usecase.AutoRechargeUseCases;
import dev.obol.proto.v1.GetAutoRechargeRequest;
import dev.obol.proto.v1.GetAutoRechargeResponse;
import dev.obol.proto.v1.SetAutoRechargeRequest;
import dev.obol.proto.v1.SetAutoRechargeResponse;
import dev.obol.domain.usecase.AccountListUseCases;
import dev.obol.domain.usecase.SalesUseCases;
import dev.obol.domain.usecase.AccountUseCases;
import dev.obol.domain.usecase.PaymentUseCases;
import dev.obol.proto.v1.GetSalesSummaryRequest;
import dev.obol.proto.v1.GetSalesSummaryResponse;
import dev.obol.proto.v1.AccountServiceGrpc;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.CreateCheckoutSessionResponse;
import dev.obol.proto.v1.GetStandingRequest;
import dev.obol.proto.v1.GetStandingResponse;
import dev.obol.proto.v1.ListCatalogRequest;
import dev.obol.proto.v1.ListAccountsRequest;
import dev.obol.proto.v1.ListAccountsResponse;
import dev.obol.proto.v1.ListCatalogResponse;
import dev.obol.proto.v1.ReinstateAccountRequest;
import dev.obol.proto.v1.ReinstateAccountResponse;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.RunMonthlyChargesResponse;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SetSeatCountResponse;
import dev.obol.proto.v1.SuspendAccountRequest;
import dev.obol.proto.v1.SuspendAccountResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/** obol.v1.AccountService: maps, delegates to the use cases, maps back. */
public final class AccountGrpcEndpoint extends AccountServiceGrpc.AccountServiceImplBase {

  private final PaymentUseCases payments;
  private final AccountUseCases accounts;

  private final AccountListUseCases listing;
  private final SalesUseCases sales;
  private final AutoRechargeUseCases recharges;

  /** Without the listing and sales: ListAccounts and GetSalesSummary answer UNIMPLEMENTED. */
  public AccountGrpcEndpoint(PaymentUseCases payments, AccountUseCases accounts) {
    this(payments, accounts, null, null);
  }

  public AccountGrpcEndpoint(
      PaymentUseCases payments, AccountUseCases accounts, AccountListUseCases listing, SalesUseCases sales) {
    this(payments, accounts, listing, sales, null);
  }

  /** @param recharges null: SetAutoRecharge and GetAutoRecharge answer UNIMPLEMENTED */
  public AccountGrpcEndpoint(
      PaymentUseCases payments,
      AccountUseCases accounts,
      AccountListUseCases listing,
      SalesUseCases sales,
      AutoRechargeUseCases recharges) {
    this.recharges = recharges;
    this.payments = payments;
    this.accounts = accounts;
    this.listing = listing;
    this.sales = sales;
  }

  @Override
  public void getSalesSummary(GetSalesSummaryRequest request, StreamObserver<GetSalesSummaryResponse> responses) {
    if (sales == null) {
      super.getSalesSummary(request, responses);
      return;
    }
    GrpcErrors.unary(
        "",
        responses,
        () -> InsightsProtoMapper.salesResponse(sales.salesSummary(InsightsProtoMapper.salesQuery(request))));
  }

  @Override
  public void setAutoRecharge(SetAutoRechargeRequest request, StreamObserver<SetAutoRechargeResponse> responses) {
    if (recharges == null) {
      super.setAutoRecharge(request, responses);
      return;
    }
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> AutoRechargeProtoMapper.setResponse(recharges.set(AutoRechargeProtoMapper.command(request))));
  }

  @Override
  public void getAutoRecharge(GetAutoRechargeRequest request, StreamObserver<GetAutoRechargeResponse> responses) {
    if (recharges == null) {
      super.getAutoRecharge(request, responses);
      return;
    }
    GrpcErrors.unary(
        "",
        responses,
        () -> AutoRechargeProtoMapper.getResponse(recharges.get(AccountId.of(request.getAccountId()))));
  }

  // ---- payments (catalog, checkout) ------------------------------------------------------------------------------

  @Override
  public void listCatalog(ListCatalogRequest request, StreamObserver<ListCatalogResponse> responses) {
    GrpcErrors.unary("", responses, () -> PaymentProtoMapper.catalogResponse(payments.catalog()));
  }

  @Override
  public void createCheckoutSession(
      CreateCheckoutSessionRequest request, StreamObserver<CreateCheckoutSessionResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () ->
            PaymentProtoMapper.checkoutResponse(
                payments.createCheckoutSession(PaymentProtoMapper.checkoutCommand(request))));
  }

  // ---- per-seat plans and standing -------------------------------------------------------------------------------

  @Override
  public void setSeatCount(SetSeatCountRequest request, StreamObserver<SetSeatCountResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () ->
            StandingProtoMapper.seatCountResponse(
                accounts.setSeatCount(StandingProtoMapper.seatCountCommand(request))));
  }

  @Override
  public void getStanding(GetStandingRequest request, StreamObserver<GetStandingResponse> responses) {
    GrpcErrors.unary(
        "",
        responses,
        () ->
            StandingProtoMapper.standingResponse(accounts.standing(AccountId.of(request.getAccountId()))));
  }

  @Override
  public void suspendAccount(SuspendAccountRequest request, StreamObserver<SuspendAccountResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> StandingProtoMapper.suspendResponse(accounts.suspend(StandingProtoMapper.suspendCommand(request))));
  }

  @Override
  public void reinstateAccount(ReinstateAccountRequest request, StreamObserver<ReinstateAccountResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () ->
            StandingProtoMapper.reinstateResponse(
                accounts.reinstate(StandingProtoMapper.reinstateCommand(request))));
  }

  @Override
  public void runMonthlyCharges(
      RunMonthlyChargesRequest request, StreamObserver<RunMonthlyChargesResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () ->
            StandingProtoMapper.chargeResponse(
                accounts.runMonthlyCharges(StandingProtoMapper.chargeCommand(request))));
  }

  @Override
  public void listAccounts(ListAccountsRequest request, StreamObserver<ListAccountsResponse> responses) {
    if (listing == null) {
      super.listAccounts(request, responses);
      return;
    }
    GrpcErrors.unary(
        "",
        responses,
        () -> InsightsProtoMapper.accountsResponse(listing.listAccounts(InsightsProtoMapper.accountListQuery(request))));
  }
}
