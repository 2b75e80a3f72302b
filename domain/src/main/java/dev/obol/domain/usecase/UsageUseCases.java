package dev.obol.domain.usecase;

/** Reporting on a wallet's ledger (the incoming port behind WalletService.GetUsageSummary). */
public interface UsageUseCases {

  /** @throws dev.obol.domain.error.NotFoundException ACCOUNT_NOT_FOUND for an account Obol never saw */
  UsageSummary usageSummary(UsageQuery query);
}
