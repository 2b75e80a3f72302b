package dev.obol.domain.model;

/** The events Obol tells its subscribers about, with their names on the wire. */
public enum NotificationType {
  BALANCE_LOW("balance.low"),
  ACCOUNT_INSUFFICIENT_FUNDS("account.insufficient_funds"),
  ACCOUNT_REINSTATED("account.reinstated"),
  ACCOUNT_SUSPENDED("account.suspended"),
  CHARGE_SUCCEEDED("charge.succeeded"),
  CHARGE_FAILED("charge.failed"),
  CREDITS_GRANTED("credits.granted"),
  AUTO_RECHARGE_FAILED("auto_recharge.failed"),
  AUTO_RECHARGE_DISABLED("auto_recharge.disabled");

  private final String wireName;

  NotificationType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
