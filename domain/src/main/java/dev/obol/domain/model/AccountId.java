package dev.obol.domain.model;

/** The caller's own identifier for an account (e.g. a user UUID). */
public record AccountId(String value) {

  public AccountId {
    Validate.id("account_id", value);
  }

  public static AccountId of(String value) {
    return new AccountId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
