package dev.obol.domain.usecase;

/** Operators' view across accounts (the incoming port behind AccountService.ListAccounts). */
public interface AccountListUseCases {

  AccountPage listAccounts(AccountListQuery query);
}
