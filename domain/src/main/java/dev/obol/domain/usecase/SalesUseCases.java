package dev.obol.domain.usecase;

/** The operators' sales figures (the incoming port of AccountService.GetSalesSummary). */
public interface SalesUseCases {

  SalesSummary salesSummary(SalesQuery query);
}
